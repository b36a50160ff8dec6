"""Review dates of demo reports: the portal stamps a submission with the
moment it is made, so the demo, which writes years of reports in a minute,
moves each report's submission and review back to the day an office would
have sent it, before or after its due date."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from reviews.models import ReviewEvent


def sent_on(due_on: datetime.date, n: int, today: datetime.date) -> datetime.date:
    """The day an office sends a report due on `due_on`: one report in four
    late (by one to three weeks), the others up to ten days early; never
    after today."""
    if n % 4 == 1:
        day = due_on + datetime.timedelta(days=7 + n % 15)
    else:
        day = due_on - datetime.timedelta(days=n % 11)
    return min(day, today)


def backdate(item, *, submitted: datetime.date, today: datetime.date) -> None:
    """Date `item`'s review steps as if it had been sent on `submitted` and
    reviewed about a week later (never after today)."""
    submitted_at = _at(submitted)
    reviewed_at = _at(min(submitted + datetime.timedelta(days=6), today))
    events = ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
        object_id=item.pk,
    )
    events.filter(action=ReviewEvent.Action.SUBMITTED).update(at=submitted_at)
    events.exclude(action=ReviewEvent.Action.SUBMITTED).update(at=reviewed_at)
    dates = {"submitted_at": submitted_at}
    if type(item).objects.filter(pk=item.pk, reviewed_at__isnull=False).exists():
        dates["reviewed_at"] = reviewed_at
    type(item).objects.filter(pk=item.pk).update(**dates)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
