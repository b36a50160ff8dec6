"""The links of a list of due reports (`core.periods.DueReport`) for one
reader: the report that answers each, where they may read it, or the form of
a new report for its period, where they may write it. Shared by the project
page and the read layer's pages (`portfolio.reporting`), which list the due
reports of projects and of plans alike (`templates/portfolio/_due_reports.html`)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import models
from django.urls import reverse

from accounts import access as accounts_access
from core.periods import DueReport
from funding.models import ReportingObligation
from projects.models import Project
from regions import access as region_access
from regions.models import RegionalPlan
from regions.reporting import PLAN_UPDATE


@dataclass(frozen=True)
class DueRow:
    due: DueReport
    # The answering report's page, if the reader may read it; else "".
    report_url: str = ""
    # The form of the missing report, if the reader may write it; else "".
    new_url: str = ""


def still_reports(record: models.Model) -> bool:
    """A report may still be written for `record`: a project not closed or
    cancelled, a plan in force (validated). What closed projects and
    archived plans failed to send stays missing for good."""
    if isinstance(record, RegionalPlan):
        return record.status == RegionalPlan.Status.VALIDATED
    if isinstance(record, Project):
        return not record.is_finished
    return False


def new_report_url(due: DueReport) -> str:
    """The form of the report `due` asks for, opened with its period (and, for
    a completion report, as the project's final report)."""
    query = {
        "period_start": f"{due.period.start:%Y-%m-%d}",
        "period_end": f"{due.period.end:%Y-%m-%d}",
    }
    if due.kind == PLAN_UPDATE:
        address = reverse("regions:update_create", args=[due.record.pk])
    else:
        address = reverse("projects:progress_report_create", args=[due.record.pk])
        if due.kind == ReportingObligation.Kind.COMPLETION:
            query["is_final"] = "1"
    return f"{address}?{urlencode(query)}"


def rows_for(user, dues: list[DueReport]) -> list[DueRow]:
    """`dues` with the links `user` may follow: no query but the reader's
    regions (kept in the figures cache), and none for no due report."""
    if not dues:
        return []
    writes = region_access.editable_region_ids(user)
    every_draft = accounts_access.sees_every_draft(user)
    # An office's staff read the drafts of the regions their office covers,
    # which are the regions they write for.
    own_drafts = writes if accounts_access.sees_drafts_of_own_regions(user) else frozenset()
    rows = []
    for due in dues:
        report_url = new_url = ""
        if due.report is not None:
            if every_draft or due.report.is_published or due.region_id in own_drafts:
                report_url = due.report.get_absolute_url()
        elif due.region_id in writes and still_reports(due.record):
            new_url = new_report_url(due)
        rows.append(DueRow(due, report_url, new_url))
    return rows
