"""Reporting periods: the calendar periods a reporting obligation asks a report
for, their due dates, and the state of a due report. Plumbing shared by the
apps that own reports (regions for plan updates, projects for progress
reports); what is due of which record is theirs to say."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", _("every quarter")
    SEMIANNUAL = "semiannual", _("every half-year")
    ANNUAL = "annual", _("every year")
    AT_END = "at_end", _("once, at the end")


# Months per calendar period of each frequency (periods start in January).
MONTHS = {Frequency.QUARTERLY: 3, Frequency.SEMIANNUAL: 6, Frequency.ANNUAL: 12}


class DueState(models.TextChoices):
    UPCOMING = "upcoming", _("upcoming")
    DUE = "due", _("due")
    OVERDUE = "overdue", _("overdue")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")


# A report at the end of a record is shown as upcoming this many days before
# the record ends.
DUE_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    due_on: datetime.date

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)


def period_label(start: datetime.date, end: datetime.date) -> str:
    """ "Q1 2027", "S2 2026", "2026" for a whole calendar period; the dates otherwise."""
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1 and start.year == end.year:
        months = end.month - start.month + 1
        if months == 3 and start.month % 3 == 1:
            return pgettext("quarter", "Q%(number)s %(year)s") % {
                "number": (start.month + 2) // 3,
                "year": start.year,
            }
        if months == 6 and start.month in (1, 7):
            return pgettext("half-year", "H%(number)s %(year)s") % {
                "number": 1 if start.month == 1 else 2,
                "year": start.year,
            }
        if months == 12:
            return str(start.year)
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}"


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def periods(
    frequency: str, start: datetime.date, end: datetime.date, *, due_days: int
) -> list[Period]:
    """The periods a record running from `start` to `end` reports on.

    Calendar quarters, half-years or years that overlap the record's dates,
    cut to them; or, `at_end`, the whole of its dates. Each is due `due_days`
    after its end: a report on the first quarter of 2027, due 30 days after,
    is due on 30 April 2027."""
    if end < start:
        return []
    delay = datetime.timedelta(days=due_days)
    if frequency == Frequency.AT_END:
        return [Period(start, end, end + delay)]
    months = MONTHS[Frequency(frequency)]
    first = datetime.date(start.year, (start.month - 1) // months * months + 1, 1)
    found = []
    while first <= end:
        following = _add_months(first, months)
        last = following - datetime.timedelta(days=1)
        found.append(Period(max(first, start), min(last, end), last + delay))
        first = following
    return found


def state_of(period: Period, *, report_state: str | None, today: datetime.date) -> DueState:
    """Where a due report stands: from the review state of the report that
    answers it; when there is none yet (or a draft, or a returned one), from
    the day: upcoming while its period runs, due once the period is over,
    overdue after its due date."""
    if report_state == "approved":
        return DueState.APPROVED
    if report_state == "submitted":
        return DueState.SUBMITTED
    if today > period.due_on:
        return DueState.OVERDUE
    if today > period.end:
        return DueState.DUE
    return DueState.UPCOMING


def answering(reports, period: Period):
    """Of `reports` (anything with a `period_start` and a `period_end`), the
    one that answers `period`: the one that ends within it, or failing that
    the one that overlaps it most; None if none overlaps it."""
    candidates = [
        report
        for report in reports
        if report.period_start <= period.end and report.period_end >= period.start
    ]

    def fit(report):
        ends_within = period.start <= report.period_end <= period.end
        overlap = min(report.period_end, period.end) - max(report.period_start, period.start)
        return (ends_within, overlap)

    return max(candidates, key=fit, default=None)


@dataclass
class DueReport:
    """One report a record owes for one period. `report` is the report that
    answers it (a draft, a returned one, a submitted or an approved one), or
    None; `first_submitted` the day it was first sent to headquarters."""

    kind: str
    kind_label: str
    record: models.Model
    region_id: int
    period: Period
    state: DueState
    report: models.Model | None = None
    first_submitted: datetime.date | None = None

    @classmethod
    def answered_by(
        cls, report, *, kind: str, kind_label: str, record, period: Period, submitted: dict, today
    ) -> "DueReport":
        """The due report `record` owes for `period`, answered by `report`
        (or None), its state on `today`; `submitted` maps reports' ids to the
        day each was first sent (`ReviewEvent.first_submissions`)."""
        return cls(
            kind=kind,
            kind_label=kind_label,
            record=record,
            region_id=record.region_id,
            period=period,
            state=state_of(period, report_state=report and report.review_status, today=today),
            report=report,
            first_submitted=submitted.get(report.pk) if report else None,
        )

    @property
    def due_on(self) -> datetime.date:
        return self.period.due_on

    @property
    def is_open(self) -> bool:
        """Still awaited from the office: due or overdue, not yet sent."""
        return self.state in (DueState.DUE, DueState.OVERDUE)

    @property
    def on_time(self) -> bool | None:
        """Sent by the due date (True), late (False), or not sent yet (None)."""
        if self.first_submitted is None:
            return None
        return self.first_submitted <= self.due_on

    @property
    def key(self) -> str:
        """Identifies the due report (reminders log what they sent by it)."""
        return (
            f"{self.kind}:{self.record._meta.label_lower}:{self.record.pk}:"
            f"{self.period.start:%Y-%m-%d}:{self.period.end:%Y-%m-%d}"
        )


class ReportingRule(models.Model):
    """Abstract base of a reporting obligation: how often a record reports and
    how many days after each period the report is due."""

    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    due_days = models.PositiveSmallIntegerField(
        _("days to report"),
        help_text=_(
            "Days after the end of each period (or of the record, for a report at the "
            "end) by which the report is due."
        ),
    )
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        abstract = True

    def periods_for(self, start: datetime.date, end: datetime.date) -> list[Period]:
        return periods(self.frequency, start, end, due_days=self.due_days)


def report_period_problems(
    reports: models.QuerySet,
    *,
    start,
    end,
    first,
    last,
    outside: str,
    exclude_pk=None,
    token=None,
    clash_message: str = "",
) -> dict[str, str]:
    """The rule every report's period obeys, whatever the path (page, import,
    admin): in the right order, within its record's dates (`first`–`last`),
    and not reported twice — it overlaps none of `reports`, the record's other
    reports of the same kind. `outside` says what is wrong with a period
    outside the record's dates, naming them `%(first)s` and `%(last)s`. The
    report a form's one-time `token` created is that form's, not a clash.
    `clash_message` says what overlaps (`%(start)s`, `%(end)s`) for records
    other than reports (targets per period)."""
    if start is None or end is None:
        return {}
    if end < start:
        return {"period_end": gettext("The period cannot end before it starts.")}
    if first and last and not (first <= start and end <= last):
        return {
            "period_start": str(outside) % {"first": date_format(first), "last": date_format(last)}
        }
    clashes = reports.filter(period_start__lte=end, period_end__gte=start).exclude(pk=exclude_pk)
    if token:
        clashes = clashes.exclude(creation_token=token)
    clash = clashes.order_by("period_start").first()
    if clash:
        message = clash_message or gettext(
            "This period has already been reported (%(start)s – %(end)s): "
            "change that report instead."
        )
        return {
            "period_start": str(message)
            % {"start": date_format(clash.period_start), "end": date_format(clash.period_end)}
        }
    return {}
