"""Pages to manage a priority's outcome indicators and their targets per
period: the region's office and headquarters, as for priorities; others are
refused, and nothing is written."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from regions.models import OutcomeIndicator, OutcomeTarget, RegionalPlan
from tests.factories import PlanFactory, PriorityFactory
from tests.factories_results import OutcomeIndicatorFactory, OutcomeTargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def priority():
    return PriorityFactory(plan=PlanFactory(status=RegionalPlan.Status.VALIDATED))


def outcome_data(**overrides) -> dict:
    return {"title": "Ménages ayant accès à l'eau", "unit": "ménages", "baseline": "0"} | {
        "target": "1200",
        **overrides,
    }


def target_data(**overrides) -> dict:
    return {"period_start": "2024-01-01", "period_end": "2024-12-31", "value": "600", **overrides}


def _pages(priority):
    outcome = OutcomeIndicatorFactory(priority=priority)
    target = OutcomeTargetFactory(indicator=outcome)
    return (
        outcome,
        target,
        {
            "create": (f"/plans/priorities/{priority.pk}/outcomes/new/", outcome_data()),
            "edit": (f"/plans/outcomes/{outcome.pk}/edit/", outcome_data(title="Nouveau titre")),
            "target_create": (
                f"/plans/outcomes/{outcome.pk}/targets/new/",
                target_data(period_start="2025-01-01", period_end="2025-12-31"),
            ),
            "target_edit": (f"/plans/outcome-targets/{target.pk}/edit/", target_data(value="650")),
        },
    )


@pytest.mark.parametrize("page", ["create", "edit", "target_create", "target_edit"])
@pytest.mark.parametrize("role", ["hq_user", "gao_officer"])
def test_the_regions_office_and_headquarters_manage_the_results(
    request, client_for, priority, page, role
):
    user = request.getfixturevalue(role)
    outcome, target, pages = _pages(priority)
    url, data = pages[page]
    client = client_for(user)

    assert client.get(url).status_code == 200
    response = client.post(url, data)

    assert response.status_code == 302
    assert OutcomeIndicator.objects.count() == 1 + (page == "create")
    assert OutcomeTarget.objects.count() == 1 + (page == "target_create")
    if page == "edit":
        outcome.refresh_from_db()
        assert outcome.title == "Nouveau titre"
        assert outcome.history.first().history_user == user
    if page == "target_edit":
        target.refresh_from_db()
        assert target.value == Decimal("650")


@pytest.mark.parametrize("page", ["create", "edit", "target_create", "target_edit", "delete"])
@pytest.mark.parametrize(
    "role", ["mopti_officer", "tombouctou_head", "fund_manager", "viewer", "no_role_user"]
)
def test_others_are_refused_and_nothing_changes(request, client_for, priority, page, role):
    outcome, target, pages = _pages(priority)
    pages["delete"] = (f"/plans/outcome-targets/{target.pk}/delete/", {})
    url, data = pages[page]
    client = client_for(request.getfixturevalue(role))

    if page != "delete":
        assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    outcome.refresh_from_db()
    target.refresh_from_db()
    assert (outcome.title, target.value) != ("Nouveau titre", Decimal("650"))
    assert (OutcomeIndicator.objects.count(), OutcomeTarget.objects.count()) == (1, 1)


def test_anonymous_visitors_are_sent_to_sign_in(client, priority):
    response = client.get(f"/plans/priorities/{priority.pk}/outcomes/new/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_deleting_a_target_is_post_only(client_for, gao_officer, priority):
    _outcome, target, _pages_ = _pages(priority)
    url = f"/plans/outcome-targets/{target.pk}/delete/"
    client = client_for(gao_officer)

    assert client.get(url).status_code == 405
    assert OutcomeTarget.objects.filter(pk=target.pk).exists()
    assert client.post(url).status_code == 302
    assert not OutcomeTarget.objects.filter(pk=target.pk).exists()


def test_a_target_must_fit_the_plan_and_overlap_no_other(
    client_for, gao_officer, priority, english
):
    outcome = OutcomeIndicatorFactory(priority=priority)
    OutcomeTargetFactory(indicator=outcome)
    url = f"/plans/outcomes/{outcome.pk}/targets/new/"
    client = client_for(gao_officer)

    overlapping = client.post(url, target_data(period_start="2024-06-01"))
    outside = client.post(url, target_data(period_start="2026-01-01", period_end="2026-12-31"))
    reversed_ = client.post(url, target_data(period_start="2025-06-30", period_end="2025-01-01"))
    negative = client.post(url, target_data(period_start="2025-01-01", value="-5"))

    assert overlapping.context["form"].errors == {
        "period_start": [
            "This period overlaps the target of 1 January 2024 – 31 December 2024: "
            "change that target instead."
        ]
    }
    assert outside.context["form"].errors["period_start"] == [
        "The period must lie within the plan's dates, from 1 January 2024 to 31 December 2025."
    ]
    assert reversed_.context["form"].errors == {
        "period_end": ["The period cannot end before it starts."]
    }
    assert "value" in negative.context["form"].errors
    assert OutcomeTarget.objects.count() == 1


def test_an_outcome_needs_a_target_above_zero(client_for, gao_officer, priority, english):
    response = client_for(gao_officer).post(
        f"/plans/priorities/{priority.pk}/outcomes/new/", outcome_data(target="0")
    )

    assert response.context["form"].errors == {"target": ["The target must be greater than zero."]}
    assert not OutcomeIndicator.objects.exists()


def test_an_archived_plans_results_no_longer_change(client_for, hq_user, priority):
    outcome, target, pages = _pages(priority)
    RegionalPlan.objects.filter(pk=priority.plan_id).update(status=RegionalPlan.Status.ARCHIVED)
    client = client_for(hq_user)

    for url, data in pages.values():
        response = client.post(url, data)
        assert response.status_code == 302
        assert response.url == f"/plans/{priority.plan_id}/#results"
    outcome.refresh_from_db()
    target.refresh_from_db()
    assert outcome.title != "Nouveau titre"
    assert target.value == Decimal("2000")
    assert (OutcomeIndicator.objects.count(), OutcomeTarget.objects.count()) == (1, 1)
