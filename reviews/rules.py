"""Who reviews what: the four-eyes rule, in one place.

A record that headquarters reviews (a plan update, a report, a project, a
regional plan) is approved, validated or returned by a headquarters officer
who did not submit it. The workflow (`reviews.services`), the queue and the
pages all ask here.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import access


class WorkflowError(ValidationError):
    """A step the record's state or the rules do not allow; the message says why."""


def is_own_submission(user, item) -> bool:
    return item.submitted_by_id is not None and item.submitted_by_id == user.pk


def own_submission_refusal(user, item) -> str:
    """The reason a headquarters officer may not review `item`, or ""."""
    if is_own_submission(user, item):
        return _("You submitted this item: another officer must review it.")
    return ""


def may_review(user, item) -> bool:
    return access.can_review(user) and not is_own_submission(user, item)


def check_reviewer(user, item) -> None:
    """Refuse (403) anyone but a headquarters officer, and say so to the
    officer who submitted the record."""
    if not access.can_review(user):
        raise PermissionDenied(_("Only headquarters officers review submissions."))
    refusal = own_submission_refusal(user, item)
    if refusal:
        raise WorkflowError(refusal)


def reviewable_by(queryset: QuerySet, user) -> QuerySet:
    """The records of `queryset` that `user` may review: none unless they
    review, and never what they submitted themselves."""
    if not access.can_review(user):
        return queryset.none()
    return queryset.exclude(submitted_by=user)
