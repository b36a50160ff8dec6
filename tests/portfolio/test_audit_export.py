"""The audit of changes as CSV and XLSX: administrators only, every change the
page's filters select over all its pages, a fixed number of queries."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganisationFactory


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _renamed(name: str, new_name: str, by):
    organisation = OrganisationFactory(name=name)
    organisation._history_user = by
    organisation.name = new_name
    organisation.save()
    return organisation


@pytest.mark.parametrize("role", ["hq_user", "fund_manager", "viewer", "gao_officer"])
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_only_administrators_download_the_audit(client_for, request, role, extension):
    response = client_for(request.getfixturevalue(role)).get(f"/audit/export.{extension}")

    assert response.status_code == 403


def test_the_file_has_the_filtered_changes_with_what_each_changed(client_for, admin_user):
    organisation = _renamed("Ancien nom", "Nouveau nom", admin_user)
    _renamed("Autre", "Autre nom", admin_user)

    response = client_for(admin_user).get(
        "/audit/export.xlsx", {"kind": "coordination.organisation", "record": organisation.pk}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H3"
    assert [row[3] for row in rows[1:]] == [organisation.pk, organisation.pk]
    changed, created = rows[1], rows[2]
    assert "Ancien nom → Nouveau nom" in changed[6]
    assert created[6] is None


def test_the_file_holds_every_page(client_for, admin_user, settings):
    for number in range(3):
        _renamed(f"Organisation {number}", f"Renommée {number}", admin_user)

    client = client_for(admin_user)
    page = client.get("/audit/", {"kind": "coordination.organisation"})
    rows = _csv(client.get("/audit/export.csv", {"kind": "coordination.organisation"}))

    assert len(rows) - 1 == page.context["page_obj"].paginator.count == 6


def test_invalid_filters_give_an_empty_file(client_for, admin_user):
    _renamed("Ancien nom", "Nouveau nom", admin_user)

    rows = _csv(client_for(admin_user).get("/audit/export.csv", {"record": "3"}))

    assert len(rows) == 1


def test_the_audit_page_links_to_its_files_with_its_filters(client_for, admin_user):
    html = client_for(admin_user).get("/audit/", {"kind": "coordination.organisation"})

    assert 'href="/audit/export.csv?kind=coordination.organisation"' in html.content.decode()


def test_the_audit_file_costs_the_same_queries_whatever_the_rows(client_for, admin_user):
    client = client_for(admin_user)
    query = {"kind": "coordination.organisation"}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get("/audit/export.csv", query).streaming_content)
        return len(queries)

    _renamed("Première", "Premier nom", admin_user)
    few = count()
    for number in range(8):
        _renamed(f"Organisation {number}", f"Renommée {number}", admin_user)

    # The session and the user; the filter's choices of people (validation);
    # the changes (one UNION ALL); the records with the one before each.
    assert count() == few <= 6
