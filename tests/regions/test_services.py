import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from core.versioning import EditConflict
from regions import services
from regions.models import PlanPriority, RegionalPlan
from tests.factories import PlanFactory, PriorityFactory

NEXT_YEAR = {"period_start": datetime.date(2025, 6, 1), "period_end": datetime.date(2026, 5, 31)}


@pytest.mark.django_db
def test_database_refuses_two_validated_plans_of_one_region_for_overlapping_periods():
    PlanFactory(status=RegionalPlan.Status.VALIDATED)

    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(status=RegionalPlan.Status.VALIDATED, **NEXT_YEAR)

    assert RegionalPlan.objects.count() == 1


@pytest.mark.django_db
def test_database_allows_validated_plans_of_other_regions_or_periods_and_drafts():
    from regions.models import Region

    PlanFactory(status=RegionalPlan.Status.VALIDATED)
    PlanFactory(status=RegionalPlan.Status.VALIDATED, region=Region.objects.get(code="ML-5"))
    PlanFactory(
        status=RegionalPlan.Status.VALIDATED,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    PlanFactory(status=RegionalPlan.Status.DRAFT, **NEXT_YEAR)

    assert RegionalPlan.objects.count() == 4


@pytest.mark.django_db
def test_database_refuses_a_period_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2024, 1, 1))


def test_validating_an_overlapping_plan_is_refused_and_changes_nothing(hq_user):
    PlanFactory(status=RegionalPlan.Status.VALIDATED)
    plan = PlanFactory(status=RegionalPlan.Status.UNDER_REVIEW, **NEXT_YEAR)

    with translation.override("en"), pytest.raises(ValidationError, match="already covers"):
        services.validate_plan(
            plan, by=hq_user, validation_date=datetime.date(2025, 6, 2), validating_authority="X"
        )

    plan.refresh_from_db()
    assert plan.status == RegionalPlan.Status.UNDER_REVIEW
    assert plan.validation_date is None


def test_plan_moves_through_its_states_with_history(hq_user, gao_officer):
    plan, created = services.create_plan(
        by=gao_officer,
        region=gao_officer.office.regions.get(code="ML-7"),
        title="PRSR Gao",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    assert created
    with translation.override("en"), pytest.raises(ValidationError, match="priority"):
        services.send_plan_for_review(plan, by=gao_officer)
    services.create_priority(plan, by=gao_officer, code="A1", title="Eau", pillar="basic_services")

    plan = services.send_plan_for_review(plan, by=gao_officer)
    plan = services.validate_plan(
        plan,
        by=hq_user,
        validation_date=datetime.date(2024, 2, 1),
        validating_authority="Assemblée régionale",
    )
    plan = services.archive_plan(plan, by=hq_user)

    assert plan.status == RegionalPlan.Status.ARCHIVED
    entries = services.plan_history(plan)
    label = str(RegionalPlan._meta.get_field("status").verbose_name)
    statuses = [c for e in entries for c in e.changes if c.field == label]
    draft, review, validated, archived = (str(s.label) for s in RegionalPlan.Status)
    assert [(c.old, c.new) for c in reversed(statuses)] == [
        (draft, review),
        (review, validated),
        (validated, archived),
    ]
    assert {e.user for e in entries} == {gao_officer, hq_user}


def test_a_step_the_state_does_not_allow_is_refused(hq_user):
    plan = PlanFactory()

    with pytest.raises(ValidationError):
        services.archive_plan(plan, by=hq_user)
    plan.refresh_from_db()
    assert plan.status == RegionalPlan.Status.DRAFT


def test_same_creation_token_creates_one_plan(gao_officer):
    import uuid

    token = uuid.uuid4()
    fields = {
        "region": gao_officer.office.regions.get(code="ML-7"),
        "title": "PRSR",
        "period_start": datetime.date(2024, 1, 1),
        "period_end": datetime.date(2024, 12, 31),
    }
    first, created_first = services.create_plan(by=gao_officer, token=token, **fields)
    second, created_second = services.create_plan(by=gao_officer, token=token, **fields)

    assert (created_first, created_second) == (True, False)
    assert first == second
    assert RegionalPlan.objects.count() == 1


def test_second_save_from_the_same_version_is_refused_and_shows_the_first(hq_user, gao_officer):
    priority = PriorityFactory(title="Eau potable")
    version = priority.version

    services.edit_priority(priority, by=hq_user, version=version, title="Eau et assainissement")
    with pytest.raises(EditConflict) as conflict:
        services.edit_priority(priority, by=gao_officer, version=version, title="Forages")

    priority.refresh_from_db()
    assert priority.title == "Eau et assainissement"
    assert priority.version == version + 1
    assert conflict.value.by == hq_user
    assert [(c.old, c.new) for c in conflict.value.changes] == [
        ("Eau potable", "Eau et assainissement")
    ]


def test_the_same_save_posted_twice_is_not_a_conflict(gao_officer):
    priority = PriorityFactory(title="Eau potable")
    version = priority.version

    services.edit_priority(priority, by=gao_officer, version=version, title="Forages")
    again = services.edit_priority(priority, by=gao_officer, version=version, title="Forages")

    assert again.title == "Forages"
    assert PlanPriority.objects.get().version == version + 1


def test_a_validated_plan_can_no_longer_be_edited(gao_officer):
    plan = PlanFactory(status=RegionalPlan.Status.VALIDATED)

    with pytest.raises(ValidationError):
        services.edit_plan(plan, by=gao_officer, version=plan.version, title="Autre")
    with pytest.raises(ValidationError):
        services.create_priority(plan, by=gao_officer, code="Z", title="Z", pillar="dialogue")


def test_history_names_a_new_region_not_its_id(hq_user):
    from regions.models import Region

    plan = PlanFactory()
    services.edit_plan(
        plan, by=hq_user, version=plan.version, region=Region.objects.get(code="ML-9")
    )

    label = str(RegionalPlan._meta.get_field("region").verbose_name)
    changes = [c for e in services.plan_history(plan) for c in e.changes if c.field == label]
    assert [(c.old, c.new) for c in changes] == [("Gao", "Ménaka")]
