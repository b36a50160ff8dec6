"""The workflow engine of every reviewed record (plan updates, reports,
projects, regional plans). Every step locks the record, checks its state,
who acts (`reviews.rules`) and the record's own conditions, records a
`ReviewEvent` and e-mails the people concerned once committed."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from reviews import notifications, rules
from reviews.models import Reviewable, ReviewEvent, ReviewTrail
from reviews.rules import WorkflowError

__all__ = [
    "WorkflowError",
    "approve",
    "latest_return",
    "latest_returns",
    "reopen",
    "return_for_changes",
    "submit",
    "timeline",
]


def _locked(item: ReviewTrail) -> ReviewTrail:
    """Re-read the item under a row lock so that two clicks cannot both act."""
    return type(item)._default_manager.select_for_update().get(pk=item.pk)


def _record(item: ReviewTrail, *, action: str, actor, comment: str = "") -> ReviewEvent:
    return ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
        object_id=item.pk,
        action=action,
        actor=actor,
        comment=comment,
    )


def _save_status(item: ReviewTrail, by, *fields: str) -> None:
    names = [item.REVIEW_FIELD, "updated_at", *fields]
    if hasattr(item, "version"):
        item.version += 1  # an open edit form sees that the record moved
        names.append("version")
    item._history_user = by
    item.save(update_fields=names)


def _step(item: ReviewTrail, step: str, *, by, fields: dict):
    """Take `step` on the locked `item` if its state and its own conditions
    allow, setting `fields` first; return the item and its former state."""
    item = _locked(item)
    transition = getattr(item, item.REVIEW_STEPS[step])
    if not can_proceed(transition):
        raise WorkflowError(item.state_refusal(step))
    if step == "submit":
        rules.check_may_change(by, item)  # a returned item: its submitter's office only
    else:
        rules.check_reviewer(by, item)
    for name, value in fields.items():
        setattr(item, name, value)
    problems = item.review_problems(step)
    if problems:
        raise WorkflowError(problems)
    old_state = item.review_state
    transition()
    return item, old_state


@transaction.atomic
def submit(item: ReviewTrail, *, by, comment: str = "", notify: bool = True) -> ReviewTrail:
    """Send a draft or returned item to headquarters for review; a returned
    one only from the office that submitted it (`reviews.rules`).

    `notify=False` (demo data, imports) sends no e-mail."""
    item, old_state = _step(
        item,
        "submit",
        by=by,
        fields={},
    )
    item.submitted_by = by
    item.submitted_at = timezone.now()
    item.reviewed_by = None
    item.reviewed_at = None
    _save_status(item, by, "submitted_by", "submitted_at", "reviewed_by", "reviewed_at")
    _record(item, action=ReviewEvent.Action.SUBMITTED, actor=by, comment=comment.strip())
    item.after_review_step(step="submit", old_state=old_state, by=by, comment=comment.strip())
    if notify:
        transaction.on_commit(lambda: notifications.submitted(item))
    return item


@transaction.atomic
def approve(
    item: ReviewTrail, *, by, comment: str = "", notify: bool = True, **fields
) -> ReviewTrail:
    """Approve (or validate) a submitted item, setting `fields` with it (a
    plan's validation date, say); the item's own conditions are checked on
    the values it will have."""
    comment = comment.strip()
    item, old_state = _step(
        item,
        "approve",
        by=by,
        fields=fields,
    )
    item.reviewed_by = by
    item.reviewed_at = timezone.now()
    _save_status(item, by, "reviewed_by", "reviewed_at", *fields)
    _record(item, action=ReviewEvent.Action.APPROVED, actor=by, comment=comment)
    item.after_review_step(step="approve", old_state=old_state, by=by, comment=comment)
    if notify:
        transaction.on_commit(lambda: notifications.reviewed(item, approved=True, comment=comment))
    return item


@transaction.atomic
def return_for_changes(item: ReviewTrail, *, by, comment: str, notify: bool = True) -> ReviewTrail:
    """Send a submitted item back to its submitter with a mandatory comment."""
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Say what must change: a comment is required to return an item."))
    item, old_state = _step(
        item,
        "return",
        by=by,
        fields={},
    )
    item.reviewed_by = by
    item.reviewed_at = timezone.now()
    _save_status(item, by, "reviewed_by", "reviewed_at")
    _record(item, action=ReviewEvent.Action.RETURNED, actor=by, comment=comment)
    item.after_review_step(step="return", old_state=old_state, by=by, comment=comment)
    if notify:
        transaction.on_commit(lambda: notifications.reviewed(item, approved=False, comment=comment))
    return item


@transaction.atomic
def reopen(item: Reviewable, *, by, comment: str) -> Reviewable:
    """An administrator's correction: an approved item goes back to its submitter."""
    if not by.is_staff:
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Say why the item is reopened."))
    item = _locked(item)
    if not can_proceed(item._reopen):
        raise WorkflowError(_("Only an approved item can be reopened."))
    item._reopen()
    _save_status(item, by)
    _record(item, action=ReviewEvent.Action.REOPENED, actor=by, comment=comment)
    return item


def timeline(item: ReviewTrail) -> models.QuerySet:
    """The item's events, oldest first, with their actors (one query)."""
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
        object_id=item.pk,
    ).select_related("actor")


# The events that send an item back to its submitter: a reviewer's return, or
# an administrator's reopening of an approved item.
SENT_BACK = (ReviewEvent.Action.RETURNED, ReviewEvent.Action.REOPENED)


def latest_returns(items: Iterable[ReviewTrail]) -> dict[tuple[type, int], ReviewEvent]:
    """The latest event that sent each of `items` back (who, when, the
    comment), by (model, primary key), for items of any reviewed models: one
    query, whatever their number and kinds (a window keeps each item's latest)."""
    keys_by_model = defaultdict(list)
    for item in items:
        keys_by_model[item._meta.concrete_model].append(item.pk)
    if not keys_by_model:
        return {}
    # The content types joined by name: nothing to read first, whatever the cache holds.
    wanted = models.Q()
    for model, keys in keys_by_model.items():
        wanted |= models.Q(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id__in=keys,
        )
    latest_first = models.Window(
        RowNumber(),
        partition_by=[models.F("content_type_id"), models.F("object_id")],
        order_by=[models.F("at").desc(), models.F("pk").desc()],
    )
    events = (
        ReviewEvent.objects.filter(wanted, action__in=SENT_BACK)
        .annotate(rank=latest_first)
        .filter(rank=1)
        .select_related("actor", "content_type")
    )
    return {(event.content_type.model_class(), event.object_id): event for event in events}


def latest_return(item: ReviewTrail) -> ReviewEvent | None:
    """The latest event that sent `item` back, or None (one query)."""
    return latest_returns([item]).get((item._meta.concrete_model, item.pk))
