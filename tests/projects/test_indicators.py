"""A project's indicators: set by the region's editors, each shown on the
project page with the value of its latest approved report; and the helper
that gives the project page its results in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from accounts.roles import Role
from projects import services
from projects.models import Indicator, IndicatorReport
from reviews import services as review
from tests.factories import (
    IndicatorFactory,
    IndicatorReportFactory,
    LocationFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
)


def _results(project):
    """The project's results as a fund manager reads them (every report)."""
    return services.project_results(project, UserFactory(role=Role.FUND_MANAGER))


@pytest.fixture
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def project(db):
    return ProjectFactory()


def indicator_data(**overrides) -> dict:
    data = {
        "title": "Ménages ayant accès à l'eau potable",
        "unit": "ménages",
        "baseline": "120",
        "target": "600",
    }
    return data | overrides


def test_officer_adds_an_indicator_disaggregated_by_sex(client_for, gao_officer, project):
    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/indicators/new/", indicator_data(by_sex="on")
    )

    assert response.status_code == 302
    assert response.url == f"/projects/{project.pk}/#indicators"
    indicator = project.indicators.get()
    assert (indicator.title, indicator.unit) == ("Ménages ayant accès à l'eau potable", "ménages")
    assert (indicator.baseline, indicator.target, indicator.by_sex) == (
        Decimal("120"),
        Decimal("600"),
        True,
    )


def test_target_below_the_baseline_is_accepted_for_a_decrease(client_for, gao_officer, project):
    client_for(gao_officer).post(
        f"/projects/{project.pk}/indicators/new/",
        indicator_data(title="Incidents intercommunautaires", baseline="12", target="3"),
    )

    assert project.indicators.get().target == Decimal("3")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"target": "0"}, {"target": ["The target must be greater than zero."]}),
        ({"target": "-5"}, {"target": ["The target must be greater than zero."]}),
        ({"baseline": "-1"}, {"baseline": ["The baseline cannot be negative."]}),
        ({"title": ""}, {"title": ["This field is required."]}),
    ],
)
def test_bad_indicator_is_refused(client_for, gao_officer, project, english, data, errors):
    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/indicators/new/", indicator_data(**data)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert not Indicator.objects.exists()


def test_officer_edits_an_indicator(client_for, gao_officer, english):
    indicator = IndicatorFactory()
    url = f"/projects/indicators/{indicator.pk}/edit/"

    form = client_for(gao_officer).get(url)
    response = client_for(gao_officer).post(url, indicator_data(target="2500"))

    assert "Personnes ayant accès à l&#x27;eau potable" in form.text
    assert response.url == f"/projects/{indicator.project.pk}/#indicators"
    indicator.refresh_from_db()
    assert (indicator.target, indicator.by_sex) == (Decimal("2500"), False)


# --- The achieved value on the project page -------------------------------------------------


def _indicators_partial(project) -> str:
    context = {"project": project, "can_edit": False, **_results(project)}
    return render_to_string("projects/_indicators.html", context)


def _approved(indicator, *, value: str, period_end: datetime.date) -> IndicatorReport:
    report = IndicatorReportFactory(
        indicator=indicator,
        value=Decimal(value),
        period_start=period_end - datetime.timedelta(days=30),
        period_end=period_end,
    )
    review.submit(report, by=UserFactory(role=Role.REGIONAL_OFFICER), notify=False)
    return review.approve(report, by=UserFactory(role=Role.HQ_OFFICER), notify=False)


def test_achieved_is_the_value_of_the_latest_approved_report(project):
    indicator = IndicatorFactory(project=project)
    _approved(indicator, value="300", period_end=datetime.date(2024, 3, 31))
    _approved(indicator, value="750", period_end=datetime.date(2024, 6, 30))
    _approved(indicator, value="500", period_end=datetime.date(2024, 4, 30))  # approved last
    later = IndicatorReportFactory(indicator=indicator, value=Decimal("1900"))
    later.period_end = datetime.date(2024, 9, 30)
    later.save()  # a draft: not achieved yet

    indicator = _results(project)["indicators"].get()

    assert indicator.achieved == Decimal("750")
    assert indicator.achieved_on == datetime.date(2024, 6, 30)
    assert indicator.latest_report_id == later.pk
    assert indicator.latest_report_status == "draft"


def test_indicator_of_another_project_does_not_count(project):
    IndicatorFactory(project=project)
    _approved(IndicatorFactory(), value="999", period_end=datetime.date(2024, 3, 31))

    assert _results(project)["indicators"].get().achieved is None


# --- The helper the project page calls --------------------------------------------------------


def _fill(project, n: int) -> None:
    """n locations, n indicators each with an approved and a draft report, n progress reports."""
    LocationFactory.create_batch(n, project=project)
    for indicator in IndicatorFactory.create_batch(n, project=project):
        _approved(indicator, value="10", period_end=datetime.date(2024, 3, 31))
        IndicatorReportFactory(indicator=indicator)
    ProgressReportFactory.create_batch(n, project=project)


@pytest.mark.parametrize("rows", [2, 10])
def test_project_results_take_three_queries_whatever_the_rows(
    project, django_assert_num_queries, rows
):
    _fill(project, rows)
    ProjectFactory()  # another project's rows stay out
    results = _results(project)

    # the locations (with their cercles); the indicators with four subqueries
    # each (achieved value and its period, latest report and its status); the
    # progress reports
    with django_assert_num_queries(3):
        html = render_to_string(
            "projects/_locations.html",
            {"project": project, "show_coordinates": True, **results},
        )
        html += render_to_string("projects/_indicators.html", {"project": project, **results})
        html += render_to_string("projects/_progress_reports.html", {"project": project, **results})

    assert len(results["locations"]) == len(results["indicators"]) == rows
    assert len(results["progress_reports"]) == rows
    assert [indicator.achieved for indicator in results["indicators"]] == [Decimal("10")] * rows
    assert html.count("/projects/reports/") == rows
