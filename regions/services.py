"""Writes to plans, priorities and plan updates: each holds its invariants
inside one transaction and records who made the change."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts import access
from regions.models import (
    PlanPriority,
    PlanUpdate,
    PlanUpdateAttachment,
    PriorityProgress,
    RegionalPlan,
)
from reviews.files import validate_upload

# --- Changes and history ------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: object
    subject: str
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's types)
    changes: list[Change]


class EditConflict(Exception):
    """Somebody saved the record after the form was opened; nothing was written."""

    def __init__(self, changes: list[Change], *, by, at):
        super().__init__("edit conflict")
        self.changes, self.by, self.at = changes, by, at


def _display(model, field_name: str, value) -> str:
    field = model._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def changes_between(model, old_record, new_record) -> list[Change]:
    delta = new_record.diff_against(old_record, excluded_fields=["version"])
    changes = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        old, new = change.old, change.new
        if field.is_relation:
            # The related rows themselves, not their ids (select them with the records).
            old, new = getattr(old_record, field.name), getattr(new_record, field.name)
        changes.append(
            Change(
                field=str(field.verbose_name),
                old=_display(model, change.field, old),
                new=_display(model, change.field, new),
            )
        )
    return changes


def _subject(model, record) -> str:
    # Not `record.instance`: it reads the fields history leaves out from the
    # live row, one query per record. The tracked fields are enough to name it.
    return str(
        model(**{field.attname: getattr(record, field.attname) for field in record.tracked_fields})
    )


def history_of(model, records) -> list[HistoryEntry]:
    """Turn history records (of one or more objects, any order) into entries,
    newest first, each with its field changes: one pass, no extra queries."""
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    previous: dict = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = changes_between(model, before, record) if before else []
        if record.history_type != "~" or changes:
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=record.history_user,
                    subject=_subject(model, record),
                    kind=record.history_type,
                    changes=changes,
                )
            )
        previous[record.id] = record
    entries.reverse()
    return entries


def plan_history(plan: RegionalPlan) -> list[HistoryEntry]:
    """Changes to the plan and its priorities, newest first (two queries)."""
    plan_records = plan.history.select_related("history_user", "region")
    priority_records = PlanPriority.history.filter(plan_id=plan.pk).select_related("history_user")
    entries = history_of(RegionalPlan, plan_records) + history_of(PlanPriority, priority_records)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


# --- Optimistic locking ---------------------------------------------------------


def save_versioned(instance: models.Model, *, by, version: int, **fields) -> models.Model:
    """Apply `fields` to `instance` if nobody saved it since `version`.

    Raises EditConflict (showing what the other person changed) otherwise. A
    form posted twice with the same values is not a conflict: it saved once.
    """
    with transaction.atomic():
        model = type(instance)
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != version:
            if all(getattr(current, name) == value for name, value in fields.items()):
                return current
            base = current.history.filter(version=version).order_by("-history_id").first()
            latest = current.history.select_related("history_user").first()
            changes = changes_between(model, base, latest) if base and latest else []
            raise EditConflict(
                changes,
                by=latest.history_user if latest else None,
                at=latest.history_date if latest else None,
            )
        for name, value in fields.items():
            setattr(current, name, value)
        current.version = version + 1
        current._history_user = by
        current.save()
        return current


def create_once(model, *, by, token: uuid.UUID | None, **fields) -> tuple[models.Model, bool]:
    """Create a row unless the same form (its one-time token, stored in the
    model's `creation_token`) already created it; returns (row, created). Also
    safe when the two posts arrive at the same instant."""
    if token:
        existing = model._default_manager.filter(creation_token=token).first()
        if existing:
            return existing, False
    instance = model(creation_token=token, **fields)
    instance._history_user = by
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        existing = token and model._default_manager.filter(creation_token=token).first()
        if existing:
            return existing, False
        raise
    return instance, True


# --- Plans and priorities ---------------------------------------------------------


def create_plan(*, by, token: uuid.UUID | None = None, **fields) -> tuple[RegionalPlan, bool]:
    """A new draft plan; returns (plan, created)."""
    region = fields["region"]
    if not access.can_edit_region(by, region):
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


def send_plan_for_review(plan: RegionalPlan, *, by) -> RegionalPlan:
    if not plan.priorities.exists():
        raise ValidationError(_("Add at least one priority before sending the plan for review."))
    return _transition(plan, "_send_for_review", by=by)


def return_plan_to_draft(plan: RegionalPlan, *, by) -> RegionalPlan:
    return _transition(plan, "_back_to_draft", by=by)


def validate_plan(
    plan: RegionalPlan, *, by, validation_date: date, validating_authority: str
) -> RegionalPlan:
    """Headquarters validates a plan: at most one validated plan per region and period."""
    if plan.overlaps_validated_plan():
        raise ValidationError(
            _("Another validated plan of this region already covers part of this period.")
        )
    return _transition(
        plan,
        "_validate",
        by=by,
        validation_date=validation_date,
        validating_authority=validating_authority,
    )


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
        for name, value in fields.items():
            setattr(current, name, value)
        current._history_user = by
        current.save()
        _save_progress(current, progress)
    return current


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


# --- Files --------------------------------------------------------------------------------


def attach_file(model, *, by, upload, title: str = "", **link) -> models.Model:
    """Store an uploaded file (already checked by the form) for the linked record."""
    content_type = validate_upload(upload)
    return model.objects.create(
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        title=title,
        uploaded_by=by,
        **link,
    )
