"""Who may do what with plans, priorities and plan updates.

Every signed-in user reads every plan. Editing is for headquarters officers
(any region) and the staff of the office that covers the plan's region
(`editable_regions`); a plan or update that headquarters returned, only
the office that submitted it (`reviews.rules`). Validating and archiving
plans and reviewing updates is for headquarters. Read-only users get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts import access
from accounts.roles import EDITOR_ROLES, Role
from core import cached_figures
from regions.models import (
    OutcomeIndicator,
    OutcomeTarget,
    PlanPriority,
    PlanUpdate,
    Region,
    RegionalPlan,
)
from reviews import rules as review_rules


def editable_regions(user) -> QuerySet:
    """The regions whose records `user` may create and edit.

    Headquarters officers: every region. Heads of office and regional
    officers: the regions their office covers. Everyone else: none.
    """
    role = access.role_of(user)
    if role == Role.HQ_OFFICER:
        return Region.objects.all()
    if role in EDITOR_ROLES and user.office_id is not None:
        return Region.objects.filter(offices=user.office_id)
    return Region.objects.none()


def editable_region_ids(user) -> frozenset[int]:
    """The keys of `editable_regions`, kept in the figures cache for each
    audience (role and office) until an office, a region or a person changes:
    asked several times a page (may this person edit the project, its
    money, this plan?)."""
    if access.role_of(user) not in EDITOR_ROLES:
        return frozenset()
    keys = cached_figures.cached(
        "editable-regions",
        lambda: list(editable_regions(user).values_list("pk", flat=True)),
        access.audience(user),
    )
    return frozenset(keys)


def can_edit_region(user, region) -> bool:
    """`region`: a region, or its key (a record's `region_id` needs no query)."""
    return getattr(region, "pk", region) in editable_region_ids(user)


def _require_region(user, region_id: int) -> None:
    if region_id not in editable_region_ids(user):
        raise PermissionDenied


def can_edit_plan(user, plan: RegionalPlan) -> bool:
    """Staff of the plan's region; once returned, only the office that sent it."""
    return plan.region_id in editable_region_ids(user) and review_rules.may_change(user, plan)


def get_plan(pk: int) -> RegionalPlan:
    return get_object_or_404(RegionalPlan.objects.select_related("region", "submitted_by"), pk=pk)


def get_plan_for_edit(user, pk: int) -> RegionalPlan:
    """The plan, if `user` may edit its region's records and, once returned,
    belongs to the office that sent it (else 403)."""
    plan = get_plan(pk)
    _require_region(user, plan.region_id)
    review_rules.check_may_change(user, plan)
    return plan


def get_plan_for_decision(user, pk: int) -> RegionalPlan:
    """The plan, if `user` may validate or archive it: headquarters only."""
    plan = get_plan(pk)
    if not access.is_headquarters_officer(user):
        raise PermissionDenied
    return plan


def get_priority_for_edit(user, pk: int) -> PlanPriority:
    priority = get_object_or_404(
        PlanPriority.objects.select_related("plan__region", "plan__submitted_by"), pk=pk
    )
    _require_region(user, priority.plan.region_id)
    review_rules.check_may_change(user, priority.plan)
    return priority


def get_outcome_for_edit(user, pk: int) -> OutcomeIndicator:
    """An outcome indicator, if `user` may edit its plan's region (else 403)."""
    outcome = get_object_or_404(
        OutcomeIndicator.objects.select_related("priority__plan__region"), pk=pk
    )
    _require_region(user, outcome.priority.plan.region_id)
    return outcome


def get_outcome_target_for_edit(user, pk: int) -> OutcomeTarget:
    target = get_object_or_404(
        OutcomeTarget.objects.select_related("indicator__priority__plan__region"), pk=pk
    )
    _require_region(user, target.indicator.priority.plan.region_id)
    return target


def get_update(pk: int) -> PlanUpdate:
    return get_object_or_404(
        PlanUpdate.objects.select_related(
            "plan__region", "created_by", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def can_edit_update(user, update: PlanUpdate) -> bool:
    """Staff of the plan's region; once returned, only the office that submitted it."""
    return update.plan.region_id in editable_region_ids(user) and review_rules.may_change(
        user, update
    )


def get_update_for_edit(user, pk: int) -> PlanUpdate:
    """The update, if `user` may edit and submit its region's updates and,
    once returned, belongs to the office that submitted it (else 403)."""
    update = get_update(pk)
    if not can_edit_update(user, update):
        raise PermissionDenied
    return update


def get_update_for_review(user, pk: int) -> PlanUpdate:
    update = get_update(pk)
    if not access.can_review(user):
        raise PermissionDenied
    return update
