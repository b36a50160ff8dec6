"""Who may do what with plans, priorities and plan updates.

Every signed-in user reads every plan. Editing is for headquarters officers
(any region) and the staff of the office that covers the plan's region
(`accounts.access.editable_regions`); validating and archiving plans and
reviewing updates is for headquarters. Read-only users get 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts import access
from regions.models import PlanPriority, PlanUpdate, RegionalPlan


def _require_region(user, region_id: int) -> None:
    if not access.editable_regions(user).filter(pk=region_id).exists():
        raise PermissionDenied


def can_edit_plan(user, plan: RegionalPlan) -> bool:
    return access.editable_regions(user).filter(pk=plan.region_id).exists()


def get_plan(pk: int) -> RegionalPlan:
    return get_object_or_404(RegionalPlan.objects.select_related("region"), pk=pk)


def get_plan_for_edit(user, pk: int) -> RegionalPlan:
    """The plan, if `user` may edit its region's records (else 403)."""
    plan = get_plan(pk)
    _require_region(user, plan.region_id)
    return plan


def get_plan_for_decision(user, pk: int) -> RegionalPlan:
    """The plan, if `user` may validate or archive it: headquarters only."""
    plan = get_plan(pk)
    if not access.is_headquarters_officer(user):
        raise PermissionDenied
    return plan


def get_priority_for_edit(user, pk: int) -> PlanPriority:
    priority = get_object_or_404(PlanPriority.objects.select_related("plan__region"), pk=pk)
    _require_region(user, priority.plan.region_id)
    return priority


def get_update(pk: int) -> PlanUpdate:
    return get_object_or_404(
        PlanUpdate.objects.select_related(
            "plan__region", "created_by", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def get_update_for_edit(user, pk: int) -> PlanUpdate:
    """The update, if `user` may edit and submit its region's updates (else 403)."""
    update = get_update(pk)
    _require_region(user, update.plan.region_id)
    return update


def get_update_for_review(user, pk: int) -> PlanUpdate:
    update = get_update(pk)
    if not access.can_review(user):
        raise PermissionDenied
    return update
