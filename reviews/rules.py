"""Who reviews what, and who changes what was returned: in one place.

A record that headquarters reviews (a plan update, a report, a project, a
regional plan) is approved, validated or returned by a headquarters officer
who did not submit it; once returned, only the office that submitted it
changes it or submits it again. The workflow (`reviews.services`), the queue,
each app's access helpers and the pages all ask here.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_fsm import can_proceed

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


# --- Returned items: their submitter's office changes them --------------------------


def is_returned(item) -> bool:
    """Sent back by a reviewer and not submitted again since: the record may
    be submitted again and still bears its reviewer (a draft never does; a
    returned project or plan is back in the pipeline or in draft with it)."""
    submit = getattr(item, item.REVIEW_STEPS["submit"])
    return item.reviewed_by_id is not None and can_proceed(submit)


def may_edit_returned(user, item) -> bool:
    """Whether `user` may change or submit again the returned `item`: only
    the office of the person who submitted it, not headquarters (which
    reviews it) nor another office. It depends on the user's office alone,
    not on the person, so a section kept for an audience
    (`accounts.access.audience`) may show its answer. An item returned
    without a known submitter (made so in admin) keeps the region rules alone."""
    if item.submitted_by_id is None:
        return True
    return user.office_id == item.submitted_by.office_id


def may_change(user, item) -> bool:
    """The return rule on top of the region rules of each app's access: a
    returned item only for its submitter's office, any other as before."""
    return not is_returned(item) or may_edit_returned(user, item)


def check_may_change(user, item) -> None:
    """Refuse (403) a returned item to anyone outside its submitter's office."""
    if not may_change(user, item):
        raise PermissionDenied(
            _("This item was returned to the office that submitted it: only that office edits it.")
        )
