"""Writes to plans, priorities and plan updates: each holds its invariants
inside one transaction and records who made the change."""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.files import attach_file
from core.history import HistoryEntry, history_of
from core.versioning import create_once, save_versioned
from regions import access as region_access
from regions.models import (
    OutcomeIndicator,
    OutcomeTarget,
    PlanPriority,
    PlanUpdate,
    PlanUpdateAttachment,
    PriorityProgress,
    RegionalPlan,
)
from reviews import services as review_services

# --- History ----------------------------------------------------------------------


def plan_history(plan: RegionalPlan) -> list[HistoryEntry]:
    """Changes to the plan and its priorities, newest first (two queries)."""
    plan_records = plan.history.select_related("history_user", "region")
    priority_records = PlanPriority.history.filter(plan_id=plan.pk).select_related("history_user")
    entries = history_of(RegionalPlan, plan_records) + history_of(PlanPriority, priority_records)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


# --- Plans and priorities ---------------------------------------------------------


def create_plan(*, by, token: uuid.UUID | None = None, **fields) -> tuple[RegionalPlan, bool]:
    """A new draft plan; returns (plan, created)."""
    region = fields["region"]
    if not region_access.can_edit_region(by, region):
        raise PermissionDenied
    return create_once(RegionalPlan, by=by, token=token, created_by=by, **fields)


def edit_plan(plan: RegionalPlan, *, by, version: int, **fields) -> RegionalPlan:
    if not plan.is_editable:
        raise ValidationError(_("A validated or archived plan can no longer be edited."))
    return save_versioned(plan, by=by, version=version, **fields)


def create_priority(
    plan: RegionalPlan, *, by, token: uuid.UUID | None = None, **fields
) -> tuple[PlanPriority, bool]:
    if not plan.is_editable:
        raise ValidationError(_("A validated or archived plan can no longer be edited."))
    return create_once(PlanPriority, by=by, token=token, plan=plan, **fields)


def edit_priority(priority: PlanPriority, *, by, version: int, **fields) -> PlanPriority:
    if not priority.plan.is_editable:
        raise ValidationError(_("A validated or archived plan can no longer be edited."))
    return save_versioned(priority, by=by, version=version, **fields)


def _transition(plan: RegionalPlan, method_name: str, *, by, **fields) -> RegionalPlan:
    with transaction.atomic():
        current = RegionalPlan.objects.select_for_update().get(pk=plan.pk)
        method = getattr(current, method_name)
        if not can_proceed(method):
            raise ValidationError(
                _("This plan is %(status)s: that step is not possible.")
                % {"status": current.get_status_display()}
            )
        method()
        for name, value in fields.items():
            setattr(current, name, value)
        current.version += 1
        current._history_user = by
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            raise ValidationError(
                _("Another validated plan of this region already covers part of this period.")
            ) from None
        return current


def send_plan_for_review(plan: RegionalPlan, *, by, notify: bool = True) -> RegionalPlan:
    """The office sends its draft plan to headquarters (the one workflow)."""
    return review_services.submit(plan, by=by, notify=notify)


def return_plan_to_draft(plan: RegionalPlan, *, by, comment: str) -> RegionalPlan:
    """Headquarters returns the plan to its office with what must change."""
    return review_services.return_for_changes(plan, by=by, comment=comment)


def validate_plan(
    plan: RegionalPlan,
    *,
    by,
    validation_date: date,
    validating_authority: str,
    comment: str = "",
    notify: bool = True,
) -> RegionalPlan:
    """Another officer of headquarters than the one who sent it validates the
    plan: at most one validated plan per region and period."""
    try:
        return review_services.approve(
            plan,
            by=by,
            comment=comment,
            notify=notify,
            validation_date=validation_date,
            validating_authority=validating_authority,
        )
    except IntegrityError:
        # Two plans of one region validated at the same moment: the database's
        # constraint keeps one.
        raise review_services.WorkflowError(
            _("Another validated plan of this region already covers part of this period.")
        ) from None


def archive_plan(plan: RegionalPlan, *, by) -> RegionalPlan:
    return _transition(plan, "_archive", by=by)


# --- Plan updates ---------------------------------------------------------------------


def create_update(
    plan: RegionalPlan,
    *,
    by,
    token: uuid.UUID | None = None,
    progress: dict[int, tuple[str, str]],
    **fields,
) -> tuple[PlanUpdate, bool]:
    """A draft update of a validated plan, with a progress row per priority.

    `progress` maps priority ids to (status, narrative).
    """
    if plan.status != RegionalPlan.Status.VALIDATED:
        raise ValidationError(_("Updates are reported on validated plans only."))
    with transaction.atomic():
        # Two updates of the same period sent at once: the second waits, then
        # finds the period taken.
        RegionalPlan.objects.select_for_update().filter(pk=plan.pk).exists()
        _check_period(plan, fields, token=token)
        update, created = create_once(
            PlanUpdate, by=by, token=token, plan=plan, created_by=by, **fields
        )
        if created:
            _save_progress(update, progress)
    return update, created


def edit_update(
    update: PlanUpdate, *, by, progress: dict[int, tuple[str, str]], **fields
) -> PlanUpdate:
    with transaction.atomic():
        current = PlanUpdate.objects.select_for_update().get(pk=update.pk)
        if not current.is_editable:
            raise ValidationError(
                _("This update is %(status)s and can no longer be edited.")
                % {"status": current.get_review_status_display()}
            )
        _check_period(current.plan, fields, exclude_pk=current.pk)
        for name, value in fields.items():
            setattr(current, name, value)
        current._history_user = by
        current.save()
        _save_progress(current, progress)
    return current


def _check_period(plan: RegionalPlan, fields: dict, *, exclude_pk=None, token=None) -> None:
    problems = PlanUpdate.period_problems(
        plan,
        start=fields.get("period_start"),
        end=fields.get("period_end"),
        exclude_pk=exclude_pk,
        token=token,
    )
    if problems:
        raise ValidationError(problems)


def _save_progress(update: PlanUpdate, progress: dict[int, tuple[str, str]]) -> None:
    priorities = update.plan.priorities.values_list("pk", flat=True)
    existing = {row.priority_id: row for row in update.progress.all()}
    for priority_id in priorities:
        status, narrative = progress.get(priority_id, (PriorityProgress.Status.NOT_REPORTED, ""))
        row = existing.get(priority_id)
        if row is None:
            PriorityProgress.objects.create(
                update=update, priority_id=priority_id, status=status, narrative=narrative
            )
        elif (row.status, row.narrative) != (status, narrative):
            row.status, row.narrative = status, narrative
            row.save(update_fields=["status", "narrative"])


@transaction.atomic
def attach_to_update(update: PlanUpdate, *, by, upload, title: str = ""):
    """Attach a file to an update that is still open for changes (the row is
    locked so that an approval cannot slip in between the check and the write)."""
    current = PlanUpdate.objects.select_for_update().get(pk=update.pk)
    if not current.is_editable:
        raise ValidationError(
            _("This update is %(status)s and can no longer be edited.")
            % {"status": current.get_review_status_display()}
        )
    return attach_file(PlanUpdateAttachment, by=by, upload=upload, title=title, update=current)


# --- Outcome indicators of priorities and their targets ---------------------------------
# Changed until the plan is archived (`OutcomeIndicator.is_editable`): offices
# complete a validated plan's results framework as its projects report; every
# change is kept in the history.

ARCHIVED_PLAN = _("The plan is archived: its results can no longer be changed.")


def _require_open(plan: RegionalPlan) -> None:
    if plan.status == RegionalPlan.Status.ARCHIVED:
        raise ValidationError(ARCHIVED_PLAN)


def _raise(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def create_outcome(priority: PlanPriority, *, by, **fields) -> OutcomeIndicator:
    """An outcome indicator of `priority`, with its baseline and overall target."""
    _require_open(priority.plan)
    _raise(OutcomeIndicator.value_problems(fields))
    outcome = OutcomeIndicator(priority=priority, **fields)
    outcome._history_user = by
    outcome.save()
    return outcome


@transaction.atomic
def edit_outcome(outcome: OutcomeIndicator, *, by, **fields) -> OutcomeIndicator:
    _require_open(outcome.priority.plan)
    _raise(OutcomeIndicator.value_problems(fields))
    for name, value in fields.items():
        setattr(outcome, name, value)
    outcome._history_user = by
    outcome.save()
    return outcome


@transaction.atomic
def create_outcome_target(outcome: OutcomeIndicator, *, by, **fields) -> OutcomeTarget:
    """A target for one period of `outcome`, within the plan's dates and
    overlapping none of its other targets (the indicator is locked, so that
    two targets of one period cannot be added at once)."""
    _require_open(outcome.priority.plan)
    OutcomeIndicator.objects.select_for_update().filter(pk=outcome.pk).exists()
    _raise(OutcomeTarget.problems(outcome, fields))
    target = OutcomeTarget(indicator=outcome, **fields)
    target._history_user = by
    target.save()
    return target


@transaction.atomic
def edit_outcome_target(target: OutcomeTarget, *, by, **fields) -> OutcomeTarget:
    outcome = target.indicator
    _require_open(outcome.priority.plan)
    OutcomeIndicator.objects.select_for_update().filter(pk=outcome.pk).exists()
    _raise(OutcomeTarget.problems(outcome, fields, exclude_pk=target.pk))
    for name, value in fields.items():
        setattr(target, name, value)
    target._history_user = by
    target.save()
    return target


@transaction.atomic
def delete_outcome_target(target: OutcomeTarget, *, by) -> None:
    _require_open(target.indicator.priority.plan)
    target._history_user = by
    target.delete()
