"""Reminder e-mails: what is due for sending on a given day, and sending it.

Reports (a project's progress and completion reports, a plan's updates) and
coordination decisions are reminded some days before they are due
(`settings.REMINDER_DAYS_BEFORE`), on the due date, and once a week while
they are overdue. Reports go to the project's focal point and to the
regional officers and heads of the offices covering the record's region;
decisions to their owner. Only ongoing projects and validated plans are
reminded, and a report stops being reminded once it is submitted.

Once a week (`settings.REMINDER_DIGEST_WEEKDAY`) each person who has not
turned it off also gets a digest of what awaits them: their open reports,
the decisions they own, what was returned to them and what awaits their
review. Whatever falls to one person on one day goes in one e-mail, in their
language.

`ReminderSent` logs each thing sent on each occasion; a reminder already
logged is never sent again, so `manage.py send_reminders` may run any number
of times. Runs only from that command, never from a web request: it reads
every ongoing project and sends mail.
"""

import datetime
import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from coordination.models import Decision
from core.periods import DueReport, DueState, Period
from portfolio.models import ReminderSent
from projects.models import Project
from projects.reporting import due_reports
from regions.models import Office, RegionalPlan
from regions.reporting import due_updates
from reviews.queue import queue_for

logger = logging.getLogger(__name__)

# Who in a regional office is reminded of its region's reports.
OFFICE_ROLES = (Role.REGIONAL_OFFICER, Role.HEAD_OF_OFFICE)
# A due report no longer awaited from the office.
SENT_STATES = (DueState.SUBMITTED, DueState.APPROVED)
DIGEST_KEY = "digest"
# Items shown per section of a digest; the rest are counted.
DIGEST_LIMIT = 10
# Keys read from the log per query (SQLite's limit on parameters).
LOG_CHUNK = 500


def occasion_on(
    due_on: datetime.date, today: datetime.date, days_before: Iterable[int]
) -> str | None:
    """The occasion on which something due on `due_on` is reminded `today`:
    "before-N" once N days or fewer are left (N of `days_before`, the
    nearest reached), "due" on the day, "overdue-W" in the W-th week after
    it; None when nothing is to be said. A day without a run is made up at
    the next one, since the occasion lasts until the following one."""
    days_left = (due_on - today).days
    if days_left == 0:
        return "due"
    if days_left < 0:
        return f"overdue-{(-days_left - 1) // 7 + 1}"
    reached = [days for days in days_before if days >= days_left]
    return f"before-{min(reached)}" if reached else None


def digest_occasion(today: datetime.date) -> str:
    year, week, _weekday = today.isocalendar()
    return f"digest-{year}-W{week:02d}"


def absolute(path: str) -> str:
    """A link for an e-mail: `settings.PORTAL_URL` and the page's path."""
    return settings.PORTAL_URL.rstrip("/") + path


@dataclass(frozen=True)
class Reminder:
    """One thing a person is reminded of (a due report, a decision), as the
    e-mail shows it. `kind_label` and `period.label` are read while the
    e-mail is rendered, in its recipient's language."""

    key: str
    kind_label: str | Promise
    title: str
    url: str
    today: datetime.date
    due_on: datetime.date | None
    period: Period | None = None
    occasion: str = ""

    @property
    def days_left(self) -> int | None:
        return None if self.due_on is None else (self.due_on - self.today).days

    @property
    def days_late(self) -> int | None:
        left = self.days_left
        return None if left is None else -left

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today


@dataclass
class Part:
    """A section of a digest: its first items and how many there are."""

    items: list = field(default_factory=list)
    total: int = 0

    @property
    def shown(self) -> list:
        return self.items[:DIGEST_LIMIT]

    @property
    def more(self) -> int:
        return max(self.total - len(self.shown), 0)


@dataclass
class Digest:
    """What awaits a person this week: their due and overdue reports, the
    decisions they own, what was returned to them, what awaits their review."""

    occasion: str
    reports: Part = field(default_factory=Part)
    decisions: Part = field(default_factory=Part)
    returned: Part = field(default_factory=Part)
    awaiting: Part = field(default_factory=Part)

    def __bool__(self) -> bool:
        return any(
            part.total for part in (self.reports, self.decisions, self.returned, self.awaiting)
        )


@dataclass
class Email:
    """Everything one person is sent on one day."""

    recipient: User
    reminders: list[Reminder] = field(default_factory=list)
    digest: Digest | None = None

    @property
    def log_rows(self) -> list[tuple[str, str]]:
        rows = [(reminder.key, reminder.occasion) for reminder in self.reminders]
        if self.digest:
            rows.append((DIGEST_KEY, self.digest.occasion))
        return rows


def _reachable(user: User | None) -> bool:
    return bool(user and user.is_active and user.email)


def office_staff_by_region() -> dict[int, dict[int, User]]:
    """By region id, the regional officers and heads of the regional offices
    covering it, who can receive e-mail, by their id (three queries).
    Headquarters covers every region and is not reminded of their reports."""
    staff = (
        User.objects.filter(is_active=True, groups__name__in=OFFICE_ROLES)
        .exclude(email="")
        .distinct()
    )
    offices = (
        Office.objects.filter(is_headquarters=False)
        .select_related("head")
        .prefetch_related("regions", models.Prefetch("staff", staff, to_attr="reminded"))
    )
    found: dict[int, dict[int, User]] = defaultdict(dict)
    for office in offices:
        people = {user.pk: user for user in office.reminded}
        if _reachable(office.head):
            people.setdefault(office.head.pk, office.head)
        for region in office.regions.all():
            found[region.pk].update(people)
    return found


def _report_reminder(due: DueReport, today: datetime.date) -> Reminder:
    return Reminder(
        key=due.key,
        kind_label=due.kind_label,
        title=str(due.record),
        url=absolute(due.record.get_absolute_url()),
        today=today,
        due_on=due.due_on,
        period=due.period,
    )


def _decision_reminder(decision: Decision, today: datetime.date) -> Reminder:
    return Reminder(
        key=f"decision:{decision.pk}",
        kind_label=_("decision"),
        title=str(decision),
        url=absolute(decision.get_absolute_url()),
        today=today,
        due_on=decision.due_date,
    )


def _open_reports(today: datetime.date) -> list[tuple[Reminder, bool, list[User]]]:
    """Every report still awaited from an ongoing project or a validated
    plan, whether it is due already (or overdue), and the people it is
    reminded to."""
    projects = Project.objects.filter(status=Project.Status.ONGOING).select_related("focal_point")
    plans = RegionalPlan.objects.filter(status=RegionalPlan.Status.VALIDATED)
    staff = office_staff_by_region()
    found = []
    for due in [*due_reports(projects, today=today), *due_updates(plans, today=today)]:
        if due.state in SENT_STATES:
            continue
        people = dict(staff.get(due.region_id, {}))
        focal_point = getattr(due.record, "focal_point", None)
        if _reachable(focal_point):
            people.setdefault(focal_point.pk, focal_point)
        if people:
            found.append((_report_reminder(due, today), due.is_open, list(people.values())))
    return found


def _open_decisions(today: datetime.date) -> list[tuple[Reminder, User]]:
    """Every open or ongoing decision that a person owns, with its owner."""
    decisions = (
        Decision.objects.pending()
        .filter(owner_user__is_active=True)
        .exclude(owner_user__email="")
        .select_related("owner_user")
        .order_by(models.F("due_date").asc(nulls_last=True), "pk")
    )
    return [(_decision_reminder(decision, today), decision.owner_user) for decision in decisions]


def _already_sent(candidates: list[tuple[User, Reminder]]) -> set[tuple[int, str, str]]:
    """(recipient id, key, occasion) of the candidates already in the log."""
    keys = sorted({reminder.key for _user, reminder in candidates})
    sent = set()
    for start in range(0, len(keys), LOG_CHUNK):
        sent.update(
            ReminderSent.objects.filter(key__in=keys[start : start + LOG_CHUNK]).values_list(
                "recipient_id", "key", "occasion"
            )
        )
    return sent


def _part(items: list) -> Part:
    return Part(items, len(items))


def _digest(user: User, occasion: str, reports: list, decisions: list) -> Digest:
    queue = queue_for(user)
    return Digest(
        occasion=occasion,
        reports=_part(sorted(reports, key=lambda reminder: (reminder.due_on, reminder.title))),
        decisions=_part(decisions),
        returned=Part(queue["returned"].items, queue["returned"].total),
        awaiting=Part(queue["awaiting"].items, queue["awaiting"].total),
    )


def due_emails(today: datetime.date, *, days_before: Iterable[int] | None = None) -> list[Email]:
    """The e-mails to send on `today`: each person's reminders not yet sent
    and, on the digest day, their digest unless they turned it off or have
    already had this week's, in the order of the recipients' names."""
    days_before = list(settings.REMINDER_DAYS_BEFORE if days_before is None else days_before)
    people: dict[int, User] = {}
    # Everything still open for each person, and what of it is reminded today.
    open_reports: dict[int, list[Reminder]] = defaultdict(list)
    open_decisions: dict[int, list[Reminder]] = defaultdict(list)
    candidates: list[tuple[User, Reminder]] = []

    for reminder, is_open, recipients in _open_reports(today):
        occasion = occasion_on(reminder.due_on, today, days_before)
        for user in recipients:
            people.setdefault(user.pk, user)
            if is_open:
                open_reports[user.pk].append(reminder)
            if occasion:
                candidates.append((user, replace(reminder, occasion=occasion)))
    for reminder, owner in _open_decisions(today):
        people.setdefault(owner.pk, owner)
        open_decisions[owner.pk].append(reminder)
        if reminder.due_on is None:
            continue
        occasion = occasion_on(reminder.due_on, today, days_before)
        if occasion:
            candidates.append((owner, replace(reminder, occasion=occasion)))

    sent = _already_sent(candidates)
    emails: dict[int, Email] = {}
    for user, reminder in candidates:
        if (user.pk, reminder.key, reminder.occasion) in sent:
            continue
        email = emails.setdefault(user.pk, Email(recipient=user))
        email.reminders.append(reminder)

    if today.isoweekday() == settings.REMINDER_DIGEST_WEEKDAY:
        occasion = digest_occasion(today)
        had_it = ReminderSent.objects.filter(
            recipient=models.OuterRef("pk"), key=DIGEST_KEY, occasion=occasion
        )
        readers = (
            User.objects.filter(is_active=True, receives_digest=True)
            .exclude(email="")
            .exclude(models.Exists(had_it))
        )
        for user in readers:
            digest = _digest(user, occasion, open_reports[user.pk], open_decisions[user.pk])
            if digest:
                email = emails.setdefault(user.pk, Email(recipient=people.get(user.pk, user)))
                email.digest = digest

    for email in emails.values():
        email.reminders.sort(key=lambda reminder: (reminder.due_on, reminder.title))
    return sorted(emails.values(), key=lambda email: (email.recipient.username, email.recipient.pk))


def render(email: Email) -> EmailMultiAlternatives:
    """The e-mail, plain text and HTML, in its recipient's language."""
    recipient = email.recipient
    with translation.override(recipient.language):
        context = {
            "recipient": recipient,
            "reminders": email.reminders,
            "digest": email.digest,
            "base_url": absolute(""),
            "portal_url": absolute(reverse("dashboard")),
            "decisions_url": absolute(reverse("coordination:home")),
            "queue_url": absolute(reverse("reviews:queue")),
            "profile_url": absolute(reverse("profile")),
        }
        subject = render_to_string("portfolio/email/reminders_subject.txt", context)
        text = render_to_string("portfolio/email/reminders_body.txt", context)
        html = render_to_string("portfolio/email/reminders_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        # Automatic mail (RFC 3834): no out-of-office replies to it.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


class NotSent(Exception):
    pass


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def send(emails: list[Email], *, connection=None) -> Outcome:
    """Send each e-mail and log what it reminded of, both in one transaction:
    an e-mail that fails leaves no row (the next run tries again), and one
    that another run logged meanwhile is not sent (`skipped`)."""
    outcome = Outcome()
    if not emails:
        return outcome
    connection = connection or get_connection()
    with connection:
        for email in emails:
            message = render(email)
            rows = [
                ReminderSent(recipient=email.recipient, key=key, occasion=occasion)
                for key, occasion in email.log_rows
            ]
            try:
                with transaction.atomic():
                    ReminderSent.objects.bulk_create(rows)
                    if connection.send_messages([message]) != 1:
                        raise NotSent
            except IntegrityError:
                outcome.skipped += 1
            except (NotSent, smtplib.SMTPException, OSError):
                logger.exception("Reminder e-mail to user %s not sent", email.recipient.pk)
                outcome.failed += 1
            else:
                outcome.sent += 1
    return outcome
