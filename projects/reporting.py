"""The reports projects owe: from their mechanism's reporting obligations
(`funding.models.ReportingObligation`) and their dates, every ongoing project
has its due progress and completion reports, each in a state that follows
the review of the report that answers it."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from core.periods import DUE_WINDOW_DAYS, DueReport, Period, answering
from funding.models import ReportingObligation
from projects.models import ProgressReport, Project
from reviews.models import ReviewEvent

# Projects that owe reports: ongoing ones, and finished ones for what fell
# due while they ran (the compliance page counts those).
REPORTING_STATUSES = (Project.Status.ONGOING, Project.Status.COMPLETED, Project.Status.CLOSED)

KIND_LABELS = {
    ReportingObligation.Kind.PROGRESS: _("progress report"),
    ReportingObligation.Kind.COMPLETION: _("completion report"),
}


def obligations_by_mechanism() -> dict[int, list[ReportingObligation]]:
    """The obligations in force, by mechanism id (one query)."""
    found = defaultdict(list)
    for obligation in ReportingObligation.objects.filter(is_active=True):
        found[obligation.mechanism_id].append(obligation)
    return found


def _owed(project: Project, obligation: ReportingObligation, today: datetime.date):
    """The periods of `obligation` the project owes by `today`: those that
    have begun (a completion report, once the project has ended)."""
    for period in obligation.periods_for(project.reporting_start, project.reporting_end):
        if obligation.kind == ReportingObligation.Kind.COMPLETION:
            # Owed from the project's last weeks on.
            begins = period.end - datetime.timedelta(days=DUE_WINDOW_DAYS)
        else:
            begins = period.start
        if begins <= today:
            yield period


def _answer(reports: list[ProgressReport], kind: str, period: Period) -> ProgressReport | None:
    """The report that answers a due period: the final report for a
    completion report; otherwise the progress report that answers the
    period (`core.periods.answering`)."""
    if kind == ReportingObligation.Kind.COMPLETION:
        return next((report for report in reports if report.is_final), None)
    return answering([report for report in reports if not report.is_final], period)


def due_reports(projects: Iterable[Project], *, today: datetime.date) -> list[DueReport]:
    """Every report `projects` owe by `today`, oldest due first: three
    queries whatever the number of projects (the obligations, the projects'
    progress reports, the days these were first submitted)."""
    projects = [project for project in projects if project.status in REPORTING_STATUSES]
    if not projects:
        return []
    obligations = obligations_by_mechanism()
    reports = defaultdict(list)
    for report in ProgressReport.objects.filter(project__in=[p.pk for p in projects]).only(
        "pk", "project_id", "period_start", "period_end", "is_final", "review_status"
    ):
        reports[report.project_id].append(report)
    owed = []
    for project in projects:
        for obligation in obligations.get(project.mechanism_id, ()):
            for period in _owed(project, obligation, today):
                owed.append((project, obligation.kind, period))
    answers = [_answer(reports[project.pk], kind, period) for project, kind, period in owed]
    submitted = ReviewEvent.first_submissions(
        ProgressReport, {a.pk for a in answers if a is not None}
    )
    found = [
        DueReport.answered_by(
            answer,
            kind=kind,
            kind_label=KIND_LABELS[kind],
            record=project,
            period=period,
            submitted=submitted,
            today=today,
        )
        for (project, kind, period), answer in zip(owed, answers, strict=True)
    ]
    found.sort(key=lambda due: (due.due_on, due.record.pk))
    return found


def open_periods(project: Project, *, today: datetime.date) -> list[Period]:
    """The due progress periods of `project` that no report answers yet: what
    a new progress or indicator report is offered."""
    return [
        due.period
        for due in due_reports([project], today=today)
        if due.report is None and due.kind == ReportingObligation.Kind.PROGRESS
    ]


def open_indicator_periods(indicator, *, today: datetime.date) -> list[Period]:
    """The due progress periods of the indicator's project on which the
    indicator has no report yet: what a new indicator report is offered."""
    reported = list(indicator.reports.values_list("period_start", "period_end"))
    return [
        due.period
        for due in due_reports([indicator.project], today=today)
        if due.kind == ReportingObligation.Kind.PROGRESS
        and not any(start <= due.period.end and end >= due.period.start for start, end in reported)
    ]
