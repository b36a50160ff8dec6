"""A project's indicators in the roll-up of results: their contribution to
an outcome indicator of their region's plan (checked by the pages, the
services and Django admin alike), their parts by sex and by age, and their
targets per period."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils import translation

from projects import services
from projects.admin import IndicatorReportAdminForm
from projects.models import Aggregation, Indicator, IndicatorReport, IndicatorTarget
from regions.models import Region
from tests.factories import (
    IndicatorFactory,
    IndicatorReportFactory,
    PlanFactory,
    PriorityFactory,
    ProjectFactory,
    UserFactory,
)
from tests.factories_results import IndicatorTargetFactory, OutcomeIndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    """Pages in English, and messages read outside a page too."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def gao_outcome():
    return OutcomeIndicatorFactory()  # of a plan of Gao, as the projects' default region


@pytest.fixture
def mopti_outcome():
    plan = PlanFactory(region=Region.objects.get(code="ML-5"))
    return OutcomeIndicatorFactory(priority=PriorityFactory(plan=plan))


def indicator_data(**overrides) -> dict:
    data = {"title": "Ménages ayant accès à l'eau", "unit": "ménages", "baseline": "0"}
    return data | {"target": "600", **overrides}


def report_data(**overrides) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "period_start": "2024-04-01",
        "period_end": "2024-06-30",
        "value": "950",
    }
    return data | overrides


# --- The contribution -----------------------------------------------------------------


def test_officer_links_an_indicator_to_an_outcome_of_the_regions_plan(
    client_for, gao_officer, gao_outcome
):
    project = ProjectFactory()
    client = client_for(gao_officer)

    form = client.get(f"/projects/{project.pk}/indicators/new/")
    response = client.post(
        f"/projects/{project.pk}/indicators/new/",
        indicator_data(outcome=gao_outcome.pk, aggregation=Aggregation.SUM),
    )

    assert f'value="{gao_outcome.pk}"' in form.text
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.outcome, indicator.aggregation) == (gao_outcome, Aggregation.SUM)


def test_an_outcome_of_another_regions_plan_is_refused_on_the_page(
    client_for, gao_officer, mopti_outcome
):
    project = ProjectFactory()
    client = client_for(gao_officer)

    form = client.get(f"/projects/{project.pk}/indicators/new/")
    response = client.post(
        f"/projects/{project.pk}/indicators/new/", indicator_data(outcome=mopti_outcome.pk)
    )

    assert f'value="{mopti_outcome.pk}"' not in form.text
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    assert not Indicator.objects.exists()


def test_an_outcome_of_another_regions_plan_is_refused_by_the_services_and_the_model(
    gao_officer, mopti_outcome, english
):
    indicator = IndicatorFactory()
    message = "This outcome indicator belongs to a plan of another region."

    with pytest.raises(ValidationError) as refused:
        services.edit_indicator(indicator, by=gao_officer, outcome=mopti_outcome)
    # What Django admin asks (its forms call the model's full_clean).
    indicator.outcome = mopti_outcome
    with pytest.raises(ValidationError) as cleaned:
        indicator.full_clean()

    assert refused.value.message_dict == {"outcome": [message]}
    assert cleaned.value.message_dict == {"outcome": [message]}
    assert Indicator.objects.get(pk=indicator.pk).outcome is None


def test_admin_refuses_an_outcome_of_another_region(client_for, admin_user, mopti_outcome):
    indicator = IndicatorFactory()
    data = {
        "project": indicator.project_id,
        "title": indicator.title,
        "unit": indicator.unit,
        "baseline": "0",
        "target": "2000",
        "outcome": mopti_outcome.pk,
        "aggregation": Aggregation.LATEST,
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
    }

    response = client_for(admin_user).post(
        f"/admin/projects/indicator/{indicator.pk}/change/", data
    )

    assert response.status_code == 200
    assert Indicator.objects.get(pk=indicator.pk).outcome is None


# --- The parts of a reported value --------------------------------------------------------


def test_parts_by_sex_and_age_that_add_up_are_kept(client_for, gao_officer):
    indicator = IndicatorFactory(by_sex=True, by_age=True)
    url = f"/projects/indicators/{indicator.pk}/reports/new/"
    client = client_for(gao_officer)

    form = client.get(url)
    response = client.post(
        url,
        report_data(
            value_women="520",
            value_girls="200",
            value_men="430",
            value_boys="150",
            value_under_15="300",
            value_15_to_24="250",
            value_25_and_over="400",
        ),
    )

    for name in ("value_girls", "value_boys", "value_under_15", "value_25_and_over"):
        assert f'name="{name}"' in form.text
    assert response.status_code == 302
    report = IndicatorReport.objects.get()
    assert [value for _label, value in report.sex_parts] == [320, 200, 280, 150]
    assert [value for _label, value in report.age_parts] == [300, 250, 400]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"value_under_15": "300", "value_15_to_24": "250", "value_25_and_over": "300"},
            {
                "value_under_15": [
                    "Under 15, 15 to 24 and 25 and over (850) must add up to the value "
                    "achieved (950)."
                ]
            },
        ),
        (
            {"value_under_15": "300", "value_15_to_24": "650"},
            {"value_25_and_over": ["This indicator is disaggregated by age: give this value."]},
        ),
        (
            {
                "value_under_15": "300",
                "value_15_to_24": "700",
                "value_25_and_over": "-50",
            },
            {"value_25_and_over": ["A value cannot be negative."]},
        ),
    ],
)
def test_age_bands_that_do_not_add_up_show_the_error_and_write_nothing(
    client_for, gao_officer, english, data, errors
):
    indicator = IndicatorFactory(by_age=True)

    response = client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/reports/new/", report_data(**data)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert not IndicatorReport.objects.exists()


def test_girls_cannot_outnumber_women_and_girls(client_for, gao_officer, english):
    indicator = IndicatorFactory(by_sex=True)

    response = client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/reports/new/",
        report_data(value_women="500", value_girls="600", value_men="450", value_boys="100"),
    )

    assert response.context["form"].errors == {
        "value_girls": ["Girls (600) cannot outnumber women and girls (500)."]
    }
    assert not IndicatorReport.objects.exists()


def test_the_services_refuse_parts_that_do_not_add_up_whatever_the_entry_point(gao_officer):
    indicator = IndicatorFactory(by_age=True)

    with pytest.raises(ValidationError) as refused:
        services.create_indicator_report(
            indicator,
            by=gao_officer,
            period_start=datetime.date(2024, 4, 1),
            period_end=datetime.date(2024, 6, 30),
            value=Decimal("10"),
            value_under_15=Decimal("1"),
            value_15_to_24=Decimal("1"),
            value_25_and_over=Decimal("1"),
        )

    assert "value_under_15" in refused.value.message_dict
    assert not IndicatorReport.objects.exists()


def test_admin_asks_the_same_rule(english):
    indicator = IndicatorFactory(by_sex=True, by_age=True)
    report = IndicatorReportFactory(indicator=indicator, value=Decimal("10"))
    data = {
        "indicator": indicator.pk,
        "period_start": "2024-02-01",
        "period_end": "2024-03-31",
        "value": "10",
        "value_women": "6",
        "value_men": "4",
        "value_girls": "7",
        "value_under_15": "1",
        "value_15_to_24": "1",
        "value_25_and_over": "1",
    }

    form = IndicatorReportAdminForm(data, instance=report)

    assert not form.is_valid()
    assert "value_girls" in form.errors and "value_under_15" in form.errors


def test_parts_the_indicator_does_not_ask_for_are_not_kept(client_for, gao_officer):
    indicator = IndicatorFactory()

    client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/reports/new/",
        report_data(value_girls="5", value_under_15="1", value_15_to_24="2"),
    )

    report = IndicatorReport.objects.get()
    assert (report.value_girls, report.value_under_15, report.value_15_to_24) == (None,) * 3


def test_reports_of_before_the_split_keep_their_two_parts():
    report = IndicatorReportFactory(
        indicator=IndicatorFactory(by_sex=True),
        value=Decimal("800"),
        value_women=Decimal("450"),
        value_men=Decimal("350"),
    )

    assert [value for _label, value in report.sex_parts] == [450, 350]


# --- Targets per period --------------------------------------------------------------------


def _target_pages(indicator):
    target = IndicatorTargetFactory(indicator=indicator)
    return target, {
        "create": (
            f"/projects/indicators/{indicator.pk}/targets/new/",
            {"period_start": "2024-04-01", "period_end": "2024-06-30", "value": "1500"},
        ),
        "edit": (
            f"/projects/indicator-targets/{target.pk}/edit/",
            {"period_start": "2024-02-01", "period_end": "2024-03-31", "value": "650"},
        ),
    }


@pytest.mark.parametrize("page", ["create", "edit"])
@pytest.mark.parametrize("role", ["hq_user", "gao_officer"])
def test_the_projects_editors_set_its_targets_per_period(request, client_for, page, role):
    indicator = IndicatorFactory()
    target, pages = _target_pages(indicator)
    url, data = pages[page]
    client = client_for(request.getfixturevalue(role))

    assert client.get(url).status_code == 200
    response = client.post(url, data)

    assert response.url == f"/projects/indicators/{indicator.pk}/edit/"
    assert IndicatorTarget.objects.count() == 1 + (page == "create")
    target.refresh_from_db()
    assert target.value == Decimal("650" if page == "edit" else "500")


@pytest.mark.parametrize("page", ["create", "edit", "delete"])
@pytest.mark.parametrize("role", ["mopti_officer", "fund_manager", "viewer", "no_role_user"])
def test_others_cannot_set_targets(request, client_for, page, role):
    target, pages = _target_pages(IndicatorFactory())
    pages["delete"] = (f"/projects/indicator-targets/{target.pk}/delete/", {})
    url, data = pages[page]

    response = client_for(request.getfixturevalue(role)).post(url, data)

    assert response.status_code == 403
    target.refresh_from_db()
    assert (IndicatorTarget.objects.count(), target.value) == (1, Decimal("500"))


def test_a_target_lies_within_the_projects_dates(client_for, gao_officer, english):
    indicator = IndicatorFactory()

    response = client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/targets/new/",
        {"period_start": "2024-06-01", "period_end": "2024-09-30", "value": "100"},
    )

    assert response.context["form"].errors == {
        "period_start": [
            "The period must lie within the project's dates, from 1 February 2024 to 30 June 2024."
        ]
    }
    assert not IndicatorTarget.objects.exists()


def test_the_indicator_page_lists_its_targets_and_deleting_one_is_post_only(
    client_for, gao_officer
):
    target, _pages = _target_pages(IndicatorFactory())
    client = client_for(gao_officer)

    page = client.get(f"/projects/indicators/{target.indicator_id}/edit/").text
    url = f"/projects/indicator-targets/{target.pk}/delete/"

    assert f'action="{url}"' in page
    assert client.get(url).status_code == 405
    client.post(url)
    assert not IndicatorTarget.objects.exists()
    assert IndicatorTarget.history.filter(history_type="-").get().history_user == gao_officer


def test_an_indicators_history_keeps_who_linked_it(gao_outcome):
    indicator = IndicatorFactory()
    officer = UserFactory()

    services.edit_indicator(indicator, by=officer, outcome=gao_outcome)

    assert indicator.history.first().history_user == officer
    assert indicator.history.first().outcome_id == gao_outcome.pk
