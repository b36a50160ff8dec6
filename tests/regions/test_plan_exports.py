"""The plans list and its plans' updates as CSV and XLSX: the list's filters,
its readers' scope, headers in the reader's language, estimated costs totalled."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.models import Region, RegionalPlan
from reviews.models import ReviewStatus
from tests.factories import PlanFactory, PlanUpdateFactory, PriorityFactory

VALIDATED = RegionalPlan.Status.VALIDATED


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


def _values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def plans(db):
    gao = PlanFactory(title="Plan de Gao", status=VALIDATED)
    PriorityFactory(plan=gao, estimated_cost_usd=Decimal("100000.50"))
    PriorityFactory(plan=gao, estimated_cost_usd=Decimal("50000.25"))
    mopti = PlanFactory(
        title="Plan de Mopti", status=VALIDATED, region=Region.objects.get(code="ML-5")
    )
    PriorityFactory(plan=mopti, estimated_cost_usd=Decimal("20000.00"))
    draft = PlanFactory(title="Plan de Gao (brouillon)")
    PriorityFactory(plan=draft, estimated_cost_usd=Decimal("7.00"))
    return {"gao": gao, "mopti": mopti, "draft": draft}


def test_xlsx_has_the_filtered_plans_with_their_cost_totalled_as_the_page_shows(
    client_for, reader, plans
):
    client = client_for(reader)
    query = {"region": Region.objects.get(code="ML-7").pk}

    page = client.get("/plans/", query)
    sheet = _xlsx(client.get("/plans/export.xlsx", query))

    rows = _values(sheet)
    assert rows[0][0] == "Titre" and rows[0][-1] == "Coût estimé (USD)"
    assert {row[0] for row in rows[1:-1]} == {"Plan de Gao", "Plan de Gao (brouillon)"}
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I3"
    shown = sum(plan.estimated_cost for plan in page.context["page_obj"].object_list)
    assert rows[-1][0] == "Total"
    assert Decimal(str(rows[-1][-1])) == shown == Decimal("150007.75")


def test_a_viewer_gets_only_the_validated_plans_and_their_approved_updates(
    client_for, viewer, plans
):
    PlanUpdateFactory(plan=plans["gao"], narrative="Approuvée", review_status=ReviewStatus.APPROVED)
    PlanUpdateFactory(
        plan=plans["gao"],
        narrative="Brouillon",
        period_start="2024-04-01",
        period_end="2024-06-30",
    )
    client = client_for(viewer)

    plan_rows = _csv(client.get("/plans/export.csv"))
    update_rows = _values(_xlsx(client.get("/plans/updates/export.xlsx")))

    assert {row[0] for row in plan_rows[1:]} == {"Plan de Gao", "Plan de Mopti"}
    assert [row[5] for row in update_rows[1:]] == ["Approuvée"]
    assert "Brouillon" not in str(update_rows)


def test_plan_updates_follow_the_plans_filters(client_for, reader, plans):
    PlanUpdateFactory(plan=plans["gao"], narrative="Gao")
    PlanUpdateFactory(plan=plans["mopti"], narrative="Mopti")

    rows = _csv(
        client_for(reader).get(
            "/plans/updates/export.csv", {"region": Region.objects.get(code="ML-5").pk}
        )
    )

    assert rows[0][:2] == ["Région", "Plan"]
    assert [row[5] for row in rows[1:]] == ["Mopti"]


def test_the_plans_list_links_to_its_files_with_its_filters(client_for, reader, plans):
    response = client_for(reader).get("/plans/", {"status": "validated", "page": "1"})

    html = response.content.decode()
    assert 'href="/plans/export.csv?status=validated"' in html
    assert 'href="/plans/updates/export.xlsx?status=validated"' in html


@pytest.mark.parametrize("path", ["/plans/export.xlsx", "/plans/updates/export.csv"])
def test_plan_files_cost_the_same_queries_whatever_the_rows(client_for, gao_officer, path):
    client = client_for(gao_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            b"".join(response.streaming_content)
        return len(queries)

    plan = PlanFactory(status=VALIDATED)
    PriorityFactory(plan=plan)
    PlanUpdateFactory(plan=plan)
    few = count()
    for year in range(2030, 2036):
        plan = PlanFactory(
            status=VALIDATED, period_start=f"{year}-01-01", period_end=f"{year}-12-31"
        )
        PriorityFactory(plan=plan)
        PlanUpdateFactory(plan=plan, period_start=f"{year}-01-01", period_end=f"{year}-03-31")
    # The session and the user, the user's role (which plans they read), the rows.
    assert count() == few <= 4
