"""The reports the offices owe headquarters, read together: the progress
and completion reports of projects (`projects.reporting`) and the updates of
plans (`regions.reporting`), for a set of regions, for one person, and how
punctually they came (the compliance page).

What is due and late is internal: partners and viewers are shown none
(`accounts.access.sees_due_reports`)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import access
from accounts.roles import Role
from core import cached_figures
from core.forms import Form
from core.periods import DueReport, DueState, period_label
from funding.money import rounded
from projects import reporting as project_reporting
from projects.due_links import still_reports
from projects.models import Project
from regions import reporting as plan_reporting
from regions.models import Office, Region, RegionalPlan

# What a due report needs of its record: its dates, status, region and
# mechanism, and what names and links it.
PROJECT_FIELDS = (
    "pk",
    "code",
    "title",
    "status",
    "region_id",
    "mechanism_id",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
)
PLAN_FIELDS = ("pk", "title", "status", "region_id", "period_start", "period_end")

# The kinds of due report, for the compliance page's filter.
KINDS = [
    *project_reporting.KIND_LABELS.items(),
    (plan_reporting.PLAN_UPDATE, plan_reporting.KIND_LABEL),
]


def _projects():
    return Project.objects.filter(status__in=project_reporting.REPORTING_STATUSES).only(
        *PROJECT_FIELDS
    )


def _plans():
    return RegionalPlan.objects.filter(status__in=plan_reporting.REPORTING_STATUSES).only(
        *PLAN_FIELDS
    )


def _together(projects, plans, *, today: datetime.date) -> list[DueReport]:
    found = project_reporting.due_reports(projects, today=today) + plan_reporting.due_updates(
        plans, today=today
    )
    found.sort(key=lambda due: (due.due_on, due.kind, str(due.record)))
    return found


def due_for_regions(region_ids: Iterable[int] | None, *, today: datetime.date) -> list[DueReport]:
    """Every report the projects and plans of `region_ids` (of every region,
    for None) owe by `today`, in every state, soonest due first. A constant
    number of queries: the projects and plans, then three each for their
    obligations, reports and first submissions."""
    projects, plans = _projects(), _plans()
    if region_ids is not None:
        region_ids = list(region_ids)
        projects = projects.filter(region__in=region_ids)
        plans = plans.filter(region__in=region_ids)
    return _together(projects, plans, today=today)


def due_for_plan(plan: RegionalPlan, *, today: datetime.date) -> list[DueReport]:
    """The updates `plan` owes by `today`, in every state (three queries)."""
    return plan_reporting.due_updates([plan], today=today)


def awaited_in_region(region: Region, *, today: datetime.date) -> list[DueReport]:
    """The reports still awaited from the region's office (`awaited`), kept
    in the figures cache for the day until a report, project or plan changes."""
    return cached_figures.cached(
        "region-due", lambda: awaited_from_regions([region.pk], today=today), region.pk, today
    )


def awaited(dues: Iterable[DueReport]) -> list[DueReport]:
    """Those still awaited from the offices: due or overdue, not sent, of a
    project or plan that may still report (`projects.due_links.still_reports`)."""
    return [due for due in dues if due.is_open and still_reports(due.record)]


def awaited_from_regions(
    region_ids: Iterable[int] | None, *, today: datetime.date, projects: Q | None = None
) -> list[DueReport]:
    """The reports still awaited (`awaited`) from the offices of `region_ids`
    (of every region, for None; and from the projects `projects` selects, if
    given): only ongoing projects and plans in force are read. A completed
    project has had its final report approved, and what finished projects
    and archived plans failed to send stays missing on the compliance page,
    not awaited; reading only these keeps the office's list quick however
    many projects the portal holds."""
    selected = _projects().filter(status=Project.Status.ONGOING)
    plans = _plans().filter(status=RegionalPlan.Status.VALIDATED)
    where = Q()
    if region_ids is not None:
        region_ids = list(region_ids)
        where = Q(region__in=region_ids)
        plans = plans.filter(region__in=region_ids)
    if projects is not None:
        where |= projects
    return awaited(_together(selected.filter(where), plans, today=today))


def overdue_everywhere(*, today: datetime.date) -> list[DueReport]:
    """The reports overdue in every office, which headquarters chases: kept
    in the figures cache for the day until a report, project or plan changes
    (it reads every project that reports)."""
    return cached_figures.cached(
        "overdue-everywhere",
        lambda: [
            due for due in awaited_from_regions(None, today=today) if due.state == DueState.OVERDUE
        ],
        today,
    )


def due_for_user(user, *, today: datetime.date) -> list[DueReport]:
    """The awaited reports that concern `user`: for the staff of a regional
    office, those of its regions; for a project's focal point, those of their
    projects; for headquarters officers, every overdue one. None for
    partners and viewers."""
    if not access.sees_due_reports(user):
        return []
    role = access.role_of(user)
    if role == Role.HQ_OFFICER:
        return overdue_everywhere(today=today)
    regions = []
    if role in (Role.HEAD_OF_OFFICE, Role.REGIONAL_OFFICER) and user.office_id:
        regions = Region.objects.filter(offices=user.office_id).values_list("pk", flat=True)
    return awaited_from_regions(regions, today=today, projects=Q(focal_point=user))


# --- Compliance ------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceRow:
    """The due reports of one office, one quarter, or all of them (the total).

    `due`: due in the span shown; `on_time`: first sent by the due date;
    `late`: first sent after it; `missing`: not sent, the due date passed;
    `pending`: not sent, not yet due. The on-time rate divides those sent on
    time by those whose outcome is known (the date passed, or sent already):
    sent early is on time, never more than 100 %."""

    # The office's name; None for the regions no office covers, and in the
    # rows by quarter and the total.
    office: str | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    due: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    @property
    def period(self) -> str:
        if self.period_start is None:
            return ""
        return period_label(self.period_start, self.period_end)

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def rate(self) -> Decimal | None:
        """Percentage to one decimal (as shown and exported), None when no
        outcome is known yet."""
        if not self.decided:
            return None
        return rounded(Decimal(self.on_time) * 100 / self.decided, 1)


@dataclass(frozen=True)
class Compliance:
    by_office: list[ComplianceRow]
    by_quarter: list[ComplianceRow]
    total: ComplianceRow


def _outcome(due: DueReport, today: datetime.date) -> str:
    if due.on_time is True:
        return "on_time"
    if due.on_time is False:
        return "late"
    return "missing" if today > due.due_on else "pending"


def _counted(outcomes: list[str], **where) -> ComplianceRow:
    return ComplianceRow(
        **where,
        due=len(outcomes),
        on_time=outcomes.count("on_time"),
        late=outcomes.count("late"),
        missing=outcomes.count("missing"),
        pending=outcomes.count("pending"),
    )


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar quarter `day` falls in, as its first and last days."""
    first = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    following = datetime.date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def offices_by_region() -> dict[int, str]:
    """The office answering for each region's reports: the regional office
    that covers it, or headquarters for a region no regional office covers
    (one query)."""
    found: dict[int, str] = {}
    links = Office.regions.through.objects.values_list(
        "region_id", "office__name", "office__is_headquarters"
    ).order_by("office__is_headquarters", "office__name")
    for region_id, name, _headquarters in links:
        found.setdefault(region_id, name)
    return found


def compliance(
    *,
    today: datetime.date,
    due_from: datetime.date,
    due_to: datetime.date,
    kind: str = "",
) -> Compliance:
    """The reports due from `due_from` to `due_to` (of `kind`, or of every
    kind), by office and by quarter of their due date, with how many came
    on time, late or not at all: kept in the figures cache until a report,
    project or plan changes (nine queries otherwise)."""

    def compute() -> Compliance:
        return _compliance(today=today, due_from=due_from, due_to=due_to, kind=kind)

    return cached_figures.cached("compliance", compute, today, due_from, due_to, kind)


def _compliance(*, today, due_from, due_to, kind) -> Compliance:
    offices = offices_by_region()
    by_office, by_quarter, every = defaultdict(list), defaultdict(list), []
    for due in due_for_regions(None, today=today):
        if not (due_from <= due.due_on <= due_to) or (kind and due.kind != kind):
            continue
        outcome = _outcome(due, today)
        by_office[offices.get(due.region_id)].append(outcome)
        by_quarter[quarter_of(due.due_on)].append(outcome)
        every.append(outcome)
    return Compliance(
        by_office=[
            _counted(outcomes, office=office)
            for office, outcomes in sorted(
                by_office.items(), key=lambda item: (item[0] is None, item[0] or "")
            )
        ],
        by_quarter=[
            _counted(outcomes, period_start=start, period_end=end)
            for (start, end), outcomes in sorted(by_quarter.items())
        ],
        total=_counted(every),
    )


# The span the compliance page shows unless asked otherwise: the current
# quarter and the three before it. A longer span is refused beyond this.
DEFAULT_QUARTERS = 4
MAX_YEARS = 10


def default_span(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first, last = quarter_of(today)
    for _quarter in range(DEFAULT_QUARTERS - 1):
        first, _end = quarter_of(first - datetime.timedelta(days=1))
    return first, last


class ComplianceFilter(Form):
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Due until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=_("Report"), required=False)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["kind"].choices = [
            ("", _("Every kind of report")),
            *((value, capfirst(label)) for value, label in KINDS),
        ]
        due_from, due_to = default_span(today)
        self.fields["due_from"].widget.attrs["placeholder"] = due_from.isoformat()
        self.fields["due_to"].widget.attrs["placeholder"] = due_to.isoformat()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        due_from, due_to = self._span(data)
        if due_to < due_from:
            self.add_error("due_to", _("The end comes before the start."))
        elif due_to - due_from > datetime.timedelta(days=366 * MAX_YEARS):
            self.add_error(
                "due_to",
                ngettext(
                    "Choose at most %(count)d year.", "Choose at most %(count)d years.", MAX_YEARS
                )
                % {"count": MAX_YEARS},
            )
        return data

    def _span(self, data: dict) -> tuple[datetime.date, datetime.date]:
        due_from, due_to = default_span(self.today)
        return data.get("due_from") or due_from, data.get("due_to") or due_to

    def selection(self) -> dict:
        """The arguments of `compliance` the form asks for (the defaults when
        it is not bound)."""
        data = self.cleaned_data if self.is_bound else {}
        due_from, due_to = self._span(data)
        return {"due_from": due_from, "due_to": due_to, "kind": data.get("kind") or ""}
