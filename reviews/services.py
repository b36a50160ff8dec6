"""Moving a reviewable item through the workflow. Every step checks who acts,
records a `ReviewEvent` and e-mails the people concerned once committed."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts import access
from reviews import notifications
from reviews.models import Reviewable, ReviewEvent


class WorkflowError(ValidationError):
    """A step the item's state or the rules do not allow; the message says why."""


def _locked(item: Reviewable) -> Reviewable:
    """Re-read the item under a row lock so that two clicks cannot both act."""
    return type(item)._default_manager.select_for_update().get(pk=item.pk)


def _record(item: Reviewable, *, action: str, actor, comment: str = "") -> ReviewEvent:
    return ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
        object_id=item.pk,
        action=action,
        actor=actor,
        comment=comment,
    )


def _save_status(item: Reviewable, *fields: str) -> None:
    item.save(update_fields=["review_status", "updated_at", *fields])


@transaction.atomic
def submit(item: Reviewable, *, by, notify: bool = True) -> Reviewable:
    """Send a draft or returned item to headquarters for review.

    `notify=False` (demo data, imports) sends no e-mail."""
    item = _locked(item)
    if not can_proceed(item._submit):
        raise WorkflowError(_("Only a draft or a returned item can be submitted."))
    problems = item.submission_check()
    if problems:
        raise WorkflowError(problems)
    item._submit()
    item.submitted_by = by
    item.submitted_at = timezone.now()
    item.reviewed_by = None
    item.reviewed_at = None
    _save_status(item, "submitted_by", "submitted_at", "reviewed_by", "reviewed_at")
    _record(item, action=ReviewEvent.Action.SUBMITTED, actor=by)
    if notify:
        transaction.on_commit(lambda: notifications.submitted(item))
    return item


def _check_reviewer(item: Reviewable, reviewer) -> None:
    if not access.can_review(reviewer):
        raise PermissionDenied(_("Only headquarters officers review submissions."))
    if item.submitted_by_id == reviewer.pk:
        raise WorkflowError(_("You submitted this item: another officer must review it."))


@transaction.atomic
def approve(item: Reviewable, *, by, comment: str = "", notify: bool = True) -> Reviewable:
    """Approve a submitted item; it is then read-only."""
    item = _locked(item)
    if not can_proceed(item._approve):
        raise WorkflowError(_("Only a submitted item can be approved."))
    _check_reviewer(item, by)
    item._approve()
    item.reviewed_by = by
    item.reviewed_at = timezone.now()
    _save_status(item, "reviewed_by", "reviewed_at")
    _record(item, action=ReviewEvent.Action.APPROVED, actor=by, comment=comment.strip())
    if notify:
        transaction.on_commit(
            lambda: notifications.reviewed(item, approved=True, comment=comment.strip())
        )
    return item


@transaction.atomic
def return_for_changes(item: Reviewable, *, by, comment: str, notify: bool = True) -> Reviewable:
    """Send a submitted item back to its submitter with a mandatory comment."""
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Say what must change: a comment is required to return an item."))
    item = _locked(item)
    if not can_proceed(item._return):
        raise WorkflowError(_("Only a submitted item can be returned."))
    _check_reviewer(item, by)
    item._return()
    item.reviewed_by = by
    item.reviewed_at = timezone.now()
    _save_status(item, "reviewed_by", "reviewed_at")
    _record(item, action=ReviewEvent.Action.RETURNED, actor=by, comment=comment)
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
    _save_status(item)
    _record(item, action=ReviewEvent.Action.REOPENED, actor=by, comment=comment)
    return item


def timeline(item: Reviewable) -> models.QuerySet:
    """The item's events, oldest first, with their actors (one query)."""
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
        object_id=item.pk,
    ).select_related("actor")
