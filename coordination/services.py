"""Writes in coordination: meetings with their decisions in one step,
members, and decision status changes kept in history with their comment."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.models import CoordinationBody, Decision, Meeting, Membership

# Beyond these, a meeting date is certainly a typing mistake.
MEETING_DATE_LIMIT_YEARS = 10
# Beyond these, it probably is: the page warns but saves.
MEETING_DATE_WARNING_DAYS = 366


def check_meeting_date(starts_at: datetime.datetime, *, now=None) -> str | None:
    """Raise for a date more than ten years away; return a warning for one
    more than a year away, None otherwise."""
    now = now or timezone.now()
    distance = abs(starts_at - now)
    if distance > datetime.timedelta(days=365 * MEETING_DATE_LIMIT_YEARS + 2):
        raise ValidationError(
            _("A meeting more than %(years)d years away is surely a typing mistake."),
            params={"years": MEETING_DATE_LIMIT_YEARS},
            code="far",
        )
    if distance > datetime.timedelta(days=MEETING_DATE_WARNING_DAYS):
        return _("This meeting is dated more than a year from today: check the date.")
    return None


def check_decision_due(due_date: datetime.date | None, meeting_starts_at) -> None:
    if due_date and due_date < timezone.localtime(meeting_starts_at).date():
        raise ValidationError(
            _("A decision cannot be due before the meeting that took it."), code="due"
        )


@transaction.atomic
def create_meeting(
    body: CoordinationBody,
    *,
    by,
    token: uuid.UUID | None = None,
    organisations=(),
    attendees=(),
    decisions: list[dict] = (),
    **fields,
) -> tuple[Meeting, bool]:
    """A meeting with its attendance and the decisions it took, all or nothing.

    Returns (meeting, created); the same form posted twice creates one meeting.
    """
    if token:
        existing = Meeting.objects.filter(creation_token=token).first()
        if existing:
            return existing, False
    check_meeting_date(fields["starts_at"])
    meeting = Meeting(body=body, created_by=by, creation_token=token, **fields)
    meeting._history_user = by
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        existing = token and Meeting.objects.filter(creation_token=token).first()
        if existing:
            return existing, False
        raise
    meeting.organisations.set(organisations)
    meeting.attendees.set(attendees)
    for data in decisions:
        add_decision(meeting, by=by, **data)
    return meeting, True


@transaction.atomic
def edit_meeting(meeting: Meeting, *, by, organisations, attendees, **fields) -> Meeting:
    check_meeting_date(fields.get("starts_at", meeting.starts_at))
    for name, value in fields.items():
        setattr(meeting, name, value)
    for decision in meeting.decisions.all():
        check_decision_due(decision.due_date, meeting.starts_at)
    meeting._history_user = by
    meeting.save()
    meeting.organisations.set(organisations)
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def add_decision(meeting: Meeting, *, by, **fields) -> Decision:
    check_decision_due(fields.get("due_date"), meeting.starts_at)
    decision = Decision(meeting=meeting, **fields)
    decision._history_user = by
    decision.save()
    return decision


@transaction.atomic
def change_decision_status(decision: Decision, *, by, status: str, comment: str) -> Decision:
    """Move a decision to another status; the comment is kept in its history."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say why the status changes: a comment is required."))
    current = Decision.objects.select_for_update().get(pk=decision.pk)
    if status == current.status:
        raise ValidationError(_("The decision already has this status."))
    current.status = status
    current._history_user = by
    current._change_reason = comment
    current.save()
    return current


@transaction.atomic
def add_member(body: CoordinationBody, *, by, organisation, role: str, start_date=None):
    if body.memberships.filter(organisation=organisation, end_date__isnull=True).exists():
        raise ValidationError(_("This organisation is already a member of this body."))
    membership = Membership(body=body, organisation=organisation, role=role, start_date=start_date)
    membership._history_user = by
    membership.save()
    return membership


@transaction.atomic
def end_membership(membership: Membership, *, by, end_date: datetime.date | None = None):
    end_date = end_date or timezone.localdate()
    if membership.start_date and end_date < membership.start_date:
        raise ValidationError(_("A membership cannot end before it starts."))
    membership.end_date = end_date
    membership._history_user = by
    membership.save(update_fields=["end_date"])
    return membership
