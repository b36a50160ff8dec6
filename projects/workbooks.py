"""Reporting workbooks: an office's reports of a quarter, filled offline.

For an office and a calendar quarter, `write_template` makes an Excel
workbook with two sheets: the indicators of the office's projects, one row
per indicator and period still to report, and the progress reports, one row
per report still to write (a project's final report among them). A report
belongs to the quarter in which its period ends, so that the workbook of a
quarter holds the quarterly reports, the half-yearly ones at the end of a
half-year and the final reports of the projects that end in it. Rows whose
report is a draft or was returned come filled with its values; submitted and
approved reports have no row.

Each row carries a hidden key, signed by the portal, naming its indicator
or project and its period. `import_workbook` reads an uploaded workbook
whole, as the contribution import does (`funding.imports`): every row is
checked before anything is written and every problem is reported with its
sheet, row and column; only a workbook without a problem is written, in one
transaction, through the services that hold the rules of reports
(`projects.services`). A row creates a draft with a creation token derived
from the file's content and the row's key, so the same file uploaded twice
creates nothing twice; a row whose draft (or returned report) already exists
for the same period changes it; rows left empty are skipped.

`office_drafts` and `submit_all` are the last step: the drafts and returned
reports of an office's quarter, each submitted through the review workflow
(`reviews.services.submit`) on its own, with why those that could not be
were not.
"""

import datetime
import hashlib
import io
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from accounts import access as accounts_access
from accounts.roles import EDITOR_ROLES, Role
from core import spreadsheets
from core.periods import answering, period_label
from core.text import clean_text, validate_text
from funding.imports import Column, ImportFailed, parse_number
from funding.models import ReportingObligation
from projects import access, reporting, services
from projects.due_links import still_reports
from projects.models import (
    AGE_BANDS,
    MAX_BENEFICIARIES,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    ProgressReport,
    Project,
)
from regions import access as region_access
from regions.models import Office
from reviews import rules as review_rules
from reviews import services as review_services
from reviews.models import Reviewable, ReviewStatus
from reviews.rules import WorkflowError

# --- Quarters -------------------------------------------------------------------------

_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: the reporting period a workbook is made for."""

    year: int
    number: int

    @classmethod
    def containing(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None) -> "Quarter | None":
        """`2027-Q1` as the pages write it; None for anything else."""
        found = _QUARTER.fullmatch(text or "")
        if not found or not 2000 <= int(found[1]) <= 2100:
            return None
        return cls(int(found[1]), int(found[2]))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.number * 3 - 2, 1)

    @property
    def end(self) -> datetime.date:
        following = Quarter(self.year + self.number // 4, self.number % 4 + 1).start
        return following - datetime.timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)

    def holds(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


# --- Who acts for which office --------------------------------------------------------
# Regional staff work for their own office; headquarters officers for any
# regional office. Which reports each may write or submit is still asked of
# `projects.access` row by row.


def offices_for(user) -> QuerySet:
    """The offices `user` may fill and upload workbooks for."""
    role = accounts_access.role_of(user)
    if role == Role.HQ_OFFICER:
        return Office.objects.filter(is_headquarters=False)
    if role in EDITOR_ROLES and user.office_id is not None:
        return Office.objects.filter(pk=user.office_id, is_headquarters=False)
    return Office.objects.none()


def require_workbook_rights(user) -> None:
    """Read-only people (partners, fund managers) get 403."""
    if accounts_access.role_of(user) not in EDITOR_ROLES:
        raise PermissionDenied


def get_office(user, pk) -> Office:
    """The office, if `user` may act for it: 404 for an unknown office, 403
    for another office than one's own (headquarters act for any)."""
    require_workbook_rights(user)
    if not re.fullmatch(r"[0-9]{1,9}", str(pk)):
        raise Http404
    office = get_object_or_404(Office, pk=pk)
    if not offices_for(user).filter(pk=office.pk).exists():
        raise PermissionDenied
    return office


def _region_ids(office: Office) -> list[int]:
    return list(office.regions.values_list("pk", flat=True))


def _reporting_projects(region_ids: list[int]) -> list[Project]:
    projects = Project.objects.filter(
        region__in=region_ids, status__in=reporting.REPORTING_STATUSES
    ).order_by("code")
    return [project for project in projects if still_reports(project)]


def quarters_due(office: Office, *, today: datetime.date) -> tuple[list[Quarter], Quarter]:
    """The quarters in which a report of the office's projects ends, newest
    first, and the one to offer first: the newest with a report due or
    overdue (the current quarter when there is none). Five queries."""
    dues = reporting.due_reports(_reporting_projects(_region_ids(office)), today=today)
    quarters = sorted({Quarter.containing(due.period.end) for due in dues}, reverse=True)
    current = Quarter.containing(today)
    open_ones = [Quarter.containing(due.period.end) for due in dues if due.is_open]
    default = max(open_ones) if open_ones else current
    if default not in quarters:
        quarters = sorted({*quarters, default}, reverse=True)
    return quarters, default


# --- The rows of a workbook -----------------------------------------------------------

_SIGNER = signing.Signer(salt="projects.workbooks.row")
INDICATOR, PROGRESS, FINAL = "indicator", "progress", "final"


def _key(kind: str, pk: int, start: datetime.date, end: datetime.date) -> str:
    return _SIGNER.sign(f"{kind}:{pk}:{start.isoformat()}:{end.isoformat()}")


@dataclass(frozen=True)
class RowKey:
    kind: str
    pk: int
    start: datetime.date
    end: datetime.date

    @classmethod
    def read(cls, text: str) -> "RowKey":
        """The key of a row written by `write_template`, or ValidationError."""
        refused = ValidationError(
            _(
                "This row does not come from a workbook of the portal, or its key was changed: "
                "download a new workbook and copy the values into it."
            )
        )
        try:
            kind, pk, start, end = _SIGNER.unsign(text.strip()).split(":")
            return cls(
                kind, int(pk), datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
            )
        except (signing.BadSignature, ValueError) as error:
            raise refused from error


@dataclass
class IndicatorRow:
    indicator: Indicator
    start: datetime.date
    end: datetime.date
    target: Decimal | None = None
    last_value: Decimal | None = None
    report: IndicatorReport | None = None

    @property
    def key(self) -> str:
        return _key(INDICATOR, self.indicator.pk, self.start, self.end)


@dataclass
class ProgressRow:
    project: Project
    start: datetime.date
    end: datetime.date
    is_final: bool
    report: ProgressReport | None = None

    @property
    def key(self) -> str:
        return _key(FINAL if self.is_final else PROGRESS, self.project.pk, self.start, self.end)


@dataclass
class WorkbookRows:
    indicators: list[IndicatorRow]
    progress: list[ProgressRow]


def _editable(report) -> bool:
    return report is not None and report.is_editable


def workbook_rows(office: Office, quarter: Quarter, *, today: datetime.date) -> WorkbookRows:
    """What the office still has to report for `quarter`: ten queries
    whatever the number of projects and indicators (the office's regions,
    its projects, their due reports (three), the drafts that answer them,
    the indicators, their reports, their targets)."""
    projects = _reporting_projects(_region_ids(office))
    dues = [
        due for due in reporting.due_reports(projects, today=today) if quarter.holds(due.period.end)
    ]
    drafts = ProgressReport.objects.in_bulk(
        [due.report.pk for due in dues if _editable(due.report)]
    )
    progress, periods = [], defaultdict(list)
    for due in dues:
        is_final = due.kind == ReportingObligation.Kind.COMPLETION
        if due.report is None:
            progress.append(ProgressRow(due.record, due.period.start, due.period.end, is_final))
        elif due.report.pk in drafts:
            report = drafts[due.report.pk]
            progress.append(
                ProgressRow(due.record, report.period_start, report.period_end, is_final, report)
            )
        periods[due.record.pk].append((is_final, due.period))
    # Indicators report on the progress periods; on the final one for projects
    # that owe no progress report (Quick Impact Projects).
    for project_pk, found in periods.items():
        regular = [period for is_final, period in found if not is_final]
        periods[project_pk] = regular or [period for _is_final, period in found]
    by_project = {project.pk: project for project in projects}
    indicators = list(Indicator.objects.filter(project__in=list(periods)).order_by("pk"))
    reports, targets = defaultdict(list), defaultdict(list)
    for report in IndicatorReport.objects.filter(indicator__in=indicators):
        reports[report.indicator_id].append(report)
    for target in IndicatorTarget.objects.filter(indicator__in=indicators):
        targets[target.indicator_id].append(target)
    rows = []
    for indicator in indicators:
        indicator.project = by_project[indicator.project_id]
        for period in periods[indicator.project_id]:
            report = answering(reports[indicator.pk], period)
            if report is not None and not report.is_editable:
                continue
            start, end = (
                (report.period_start, report.period_end)
                if report
                else (
                    period.start,
                    period.end,
                )
            )
            rows.append(
                IndicatorRow(
                    indicator,
                    start,
                    end,
                    target=_target_at(targets[indicator.pk], end),
                    last_value=_last_value(reports[indicator.pk], before=start),
                    report=report,
                )
            )
    rows.sort(key=lambda row: (row.indicator.project.code, row.start, row.indicator.pk))
    progress.sort(key=lambda row: (row.project.code, row.is_final, row.start))
    return WorkbookRows(rows, progress)


def _target_at(targets: list[IndicatorTarget], day: datetime.date) -> Decimal | None:
    """The target of the period that holds `day`, if one was set."""
    found = [target for target in targets if target.period_start <= day <= target.period_end]
    return found[0].value if found else None


def _last_value(reports: list[IndicatorReport], *, before: datetime.date) -> Decimal | None:
    """The value of the latest report sent to headquarters before `before`."""
    sent = [
        report
        for report in reports
        if report.period_end < before
        and report.review_status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)
    ]
    latest = max(sent, key=lambda report: (report.period_end, report.pk), default=None)
    return latest.value if latest else None


# --- Columns --------------------------------------------------------------------------
# Headers in English and French, as the contribution import takes them; the
# workbook is written in the reader's language and read in either.

KEY = Column(
    "key", "Key (do not change)", "Clé (ne pas modifier)", gettext_lazy("Set by the portal.")
)
PROJECT_CODE = Column("project_code", "Project", "Projet", gettext_lazy("Set by the portal."))
PROJECT_TITLE = Column(
    "project_title", "Project title", "Titre du projet", gettext_lazy("Set by the portal.")
)
PERIOD_START = Column(
    "period_start", "Period start", "Début de la période", gettext_lazy("Set by the portal.")
)
PERIOD_END = Column(
    "period_end", "Period end", "Fin de la période", gettext_lazy("Set by the portal.")
)
STATUS = Column(
    "status",
    "Report now",
    "Rapport actuel",
    gettext_lazy("New, or the state of the draft the row changes."),
)


def _number(key: str, en: str, fr: str, accepts, *, required: bool = False) -> Column:
    return Column(key, en, fr, accepts, required=required)


_PART = gettext_lazy("A number, only for an indicator disaggregated so; else empty.")

INDICATOR_COLUMNS = [
    KEY,
    PROJECT_CODE,
    PROJECT_TITLE,
    Column("indicator", "Indicator", "Indicateur", gettext_lazy("Set by the portal.")),
    Column("unit", "Unit", "Unité", gettext_lazy("Set by the portal.")),
    Column(
        "disaggregation",
        "Disaggregation",
        "Ventilation",
        gettext_lazy("By sex, by age, or none: the cells to fill."),
    ),
    PERIOD_START,
    PERIOD_END,
    Column(
        "period_target",
        "Target for the period",
        "Cible de la période",
        gettext_lazy("Set by the portal."),
    ),
    Column("target", "Overall target", "Cible finale", gettext_lazy("Set by the portal.")),
    Column(
        "last_value",
        "Last value reported",
        "Dernière valeur rapportée",
        gettext_lazy("Set by the portal."),
    ),
    STATUS,
    _number(
        "value",
        "Value achieved",
        "Valeur atteinte",
        gettext_lazy("A number, at most two decimals; leave the row empty to skip it."),
        required=True,
    ),
    _number("value_women", "Women and girls", "Femmes et filles", _PART),
    _number("value_girls", "Of whom girls", "Dont filles", _PART),
    _number("value_men", "Men and boys", "Hommes et garçons", _PART),
    _number("value_boys", "Of whom boys", "Dont garçons", _PART),
    _number("value_under_15", "Under 15", "Moins de 15 ans", _PART),
    _number("value_15_to_24", "15 to 24", "15 à 24 ans", _PART),
    _number("value_25_and_over", "25 and over", "25 ans et plus", _PART),
    Column("comment", "Comment", "Commentaire", gettext_lazy("Any text."), required=False),
]
INDICATOR_INPUTS = (
    "value",
    "value_women",
    "value_girls",
    "value_men",
    "value_boys",
    *AGE_BANDS,
    "comment",
)

PROGRESS_COLUMNS = [
    KEY,
    PROJECT_CODE,
    PROJECT_TITLE,
    Column("is_final", "Report", "Rapport", gettext_lazy("Set by the portal.")),
    PERIOD_START,
    PERIOD_END,
    STATUS,
    Column(
        "narrative",
        "Narrative",
        "Récit",
        gettext_lazy("What was done in the period; leave the row empty to skip it."),
    ),
    Column(
        "percent_complete",
        "Completion (%)",
        "Avancement (%)",
        gettext_lazy("A whole number from 0 to 100."),
    ),
    Column(
        "site_accessible",
        "Site accessible",
        "Site accessible",
        gettext_lazy("Yes or no; empty means yes."),
        required=False,
    ),
    Column(
        "women_reached",
        "Women reached",
        "Femmes atteintes",
        gettext_lazy("A whole number since the project began; empty means 0."),
        required=False,
    ),
    Column(
        "men_reached",
        "Men reached",
        "Hommes atteints",
        gettext_lazy("A whole number since the project began; empty means 0."),
        required=False,
    ),
    Column(
        "girls_reached",
        "Girls reached",
        "Filles atteintes",
        gettext_lazy("A whole number since the project began; empty means 0."),
        required=False,
    ),
    Column(
        "boys_reached",
        "Boys reached",
        "Garçons atteints",
        gettext_lazy("A whole number since the project began; empty means 0."),
        required=False,
    ),
]
REACHED = ("women_reached", "men_reached", "girls_reached", "boys_reached")
PROGRESS_INPUTS = ("narrative", "percent_complete", "site_accessible", *REACHED)

# The sheets, named in both languages: a workbook is read in either.
INDICATOR_SHEET = ("Indicators", "Indicateurs")
PROGRESS_SHEET = ("Progress reports", "Rapports d'avancement")


def _sheet_title(names: tuple[str, str]) -> str:
    return names[1] if _french() else names[0]


def _french() -> bool:
    return (translation.get_language() or "fr").startswith("fr")


# --- Writing the template -------------------------------------------------------------

YES, NO = ("oui", "non"), ("yes", "no")


def _text(value) -> str:
    return spreadsheets.neutralize(clean_text(str(value))).replace("\r\n", "\n")


def _status_text(report) -> str:
    return report.get_review_status_display() if report else _("new")


def _disaggregation(indicator: Indicator) -> str:
    parts = [_("by sex")] if indicator.by_sex else []
    if indicator.by_age:
        parts.append(_("by age"))
    return ", ".join(parts) or _("none")


def write_template(rows: WorkbookRows, *, office: Office, quarter: Quarter) -> bytes:
    """The workbook of `rows`: key columns locked, the key column hidden,
    answer cells open and checked by the spreadsheet as they are typed."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    styles = {
        "header": workbook.add_format({"bold": True, "locked": True, "text_wrap": True}),
        "locked": workbook.add_format({"locked": True, "bg_color": "#EEEEEE"}),
        "locked_date": workbook.add_format(
            {"locked": True, "bg_color": "#EEEEEE", "num_format": "yyyy-mm-dd"}
        ),
        "locked_number": workbook.add_format(
            {"locked": True, "bg_color": "#EEEEEE", "num_format": "#,##0.##"}
        ),
        "input": workbook.add_format({"locked": False, "text_wrap": True}),
        "unused": workbook.add_format({"locked": True, "bg_color": "#BBBBBB"}),
    }
    _indicator_sheet(workbook, styles, rows.indicators)
    _progress_sheet(workbook, styles, rows.progress)
    _about_sheet(workbook, styles, office=office, quarter=quarter)
    workbook.close()
    return output.getvalue()


def _start_sheet(workbook, styles, names, columns: list[Column], widths: dict):
    sheet = workbook.add_worksheet(_sheet_title(names)[:31])
    for position, column in enumerate(columns):
        sheet.write_string(0, position, column.header, styles["header"])
        options = {"hidden": True} if column is KEY else {}
        sheet.set_column(position, position, widths.get(column.key, 14), None, options)
    sheet.freeze_panes(1, 3)
    # Locked cells stay as the portal wrote them; the answer cells are
    # formatted unlocked. No password: protection guards against slips.
    sheet.protect("", {"format_columns": True, "format_rows": True})
    return sheet


def _validate(sheet, first: int, last: int, position: int, options: dict) -> None:
    if last >= first:
        sheet.data_validation(first, position, last, position, options)


def _number_rule(*, whole: bool = False, maximum=None) -> dict:
    rule = {
        "validate": "integer" if whole else "decimal",
        "criteria": "between",
        "minimum": 0,
        "maximum": maximum if maximum is not None else 10**12 - 1,
        "error_message": _("Type a number, zero or more."),
    }
    return rule


def _indicator_sheet(workbook, styles, rows: list[IndicatorRow]) -> None:
    columns = INDICATOR_COLUMNS
    sheet = _start_sheet(
        workbook,
        styles,
        INDICATOR_SHEET,
        columns,
        {"project_title": 30, "indicator": 36, "comment": 40, "key": 10},
    )
    position = {column.key: index for index, column in enumerate(columns)}
    for number, row in enumerate(rows, start=1):
        indicator, report = row.indicator, row.report
        locked = {
            "key": row.key,
            "project_code": indicator.project.code,
            "project_title": indicator.project.title,
            "indicator": indicator.title,
            "unit": indicator.unit,
            "disaggregation": _disaggregation(indicator),
            "status": _status_text(report),
        }
        for key, value in locked.items():
            sheet.write_string(number, position[key], _text(value), styles["locked"])
        sheet.write_datetime(number, position["period_start"], row.start, styles["locked_date"])
        sheet.write_datetime(number, position["period_end"], row.end, styles["locked_date"])
        for key, value in (
            ("period_target", row.target),
            ("target", indicator.target),
            ("last_value", row.last_value),
        ):
            if value is None:
                sheet.write_blank(number, position[key], None, styles["locked"])
            else:
                sheet.write_number(number, position[key], value, styles["locked_number"])
        asked = {"value", "comment"}
        if indicator.by_sex:
            asked |= set(services.SEX_PARTS)
        if indicator.by_age:
            asked |= set(AGE_BANDS)
        for key in INDICATOR_INPUTS:
            style = styles["input"] if key in asked else styles["unused"]
            value = getattr(report, key, None) if report else None
            if value is None or value == "":
                sheet.write_blank(number, position[key], None, style)
            elif key == "comment":
                sheet.write_string(number, position[key], _text(value), style)
            else:
                sheet.write_number(number, position[key], value, style)
    last = len(rows)
    for key in INDICATOR_INPUTS:
        if key != "comment":
            _validate(sheet, 1, last, position[key], _number_rule())


def _progress_sheet(workbook, styles, rows: list[ProgressRow]) -> None:
    columns = PROGRESS_COLUMNS
    sheet = _start_sheet(
        workbook, styles, PROGRESS_SHEET, columns, {"project_title": 30, "narrative": 60}
    )
    position = {column.key: index for index, column in enumerate(columns)}
    yes, no = YES if _french() else NO
    for number, row in enumerate(rows, start=1):
        report = row.report
        locked = {
            "key": row.key,
            "project_code": row.project.code,
            "project_title": row.project.title,
            "is_final": _("final report") if row.is_final else _("progress report"),
            "status": _status_text(report),
        }
        for key, value in locked.items():
            sheet.write_string(number, position[key], _text(value), styles["locked"])
        sheet.write_datetime(number, position["period_start"], row.start, styles["locked_date"])
        sheet.write_datetime(number, position["period_end"], row.end, styles["locked_date"])
        for key in PROGRESS_INPUTS:
            value = getattr(report, key) if report else None
            if key == "site_accessible" and value is not None:
                value = yes if value else no
            if value is None or value == "":
                sheet.write_blank(number, position[key], None, styles["input"])
            elif isinstance(value, str):
                sheet.write_string(number, position[key], _text(value), styles["input"])
            else:
                sheet.write_number(number, position[key], value, styles["input"])
    last = len(rows)
    _validate(sheet, 1, last, position["percent_complete"], _number_rule(whole=True, maximum=100))
    _validate(
        sheet,
        1,
        last,
        position["site_accessible"],
        {"validate": "list", "source": [yes, no], "ignore_blank": True},
    )
    for key in REACHED:
        _validate(
            sheet, 1, last, position[key], _number_rule(whole=True, maximum=MAX_BENEFICIARIES)
        )


def _about_sheet(workbook, styles, *, office: Office, quarter: Quarter) -> None:
    """What the workbook is for and how to fill it, for the person offline."""
    sheet = workbook.add_worksheet(_("About")[:31])
    sheet.set_column(0, 0, 100)
    lines = [
        _("Reports of %(office)s for %(quarter)s")
        % {"office": office.name, "quarter": quarter.label},
        _(
            "Fill the white cells; the grey ones are set by the portal. A row left empty is "
            "skipped: nothing is reported for it."
        ),
        _(
            "Upload the workbook on the portal's workbook page. It is checked whole: if a row has "
            "a problem, nothing is recorded and every problem is listed by sheet, row and column."
        ),
        _(
            "Each filled row becomes a draft report (or changes its draft); submit the drafts to "
            "headquarters from the same page. Uploading the same workbook twice records nothing "
            "twice."
        ),
    ]
    for number, line in enumerate(lines):
        sheet.write_string(number, 0, _text(line), styles["header"] if number == 0 else None)


# --- Reading an upload ----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # as numbered in the sheet; None for the whole file
    column: str  # the sheet and the column, as the error table shows them
    message: str


class WorkbookFailed(ImportFailed):
    """Nothing was written; `problems` says why, every one of them."""

    @property
    def row_count(self) -> int:
        return len({(problem.sheet, problem.row) for problem in self.in_rows})


def _file_problem(message) -> WorkbookFailed:
    return WorkbookFailed([Problem("", None, "", str(message))])


@dataclass
class _Row:
    sheet: str
    number: int
    cells: dict[str, str]
    columns: dict[str, Column]
    values: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, key: str, message) -> None:
        column = self.columns.get(key)
        where = f"{self.sheet} › {column.header}" if column else self.sheet
        self.problems.append(Problem(self.sheet, self.number, where, str(message)))

    def refuse_all(self, problems: dict | ValidationError) -> None:
        """Note a service's refusal, each message under its column."""
        if isinstance(problems, ValidationError):
            if not hasattr(problems, "error_dict"):
                for message in problems.messages:
                    self.refuse("", message)
                return
            problems = {
                key: ValidationError(errors).messages for key, errors in problems.error_dict.items()
            }
        for key, messages in problems.items():
            for message in [messages] if isinstance(messages, str) else messages:
                self.refuse(_COLUMN_OF.get(key, key), message)

    def text(self, key: str) -> str:
        return self.cells.get(key, "").strip()

    def is_empty(self, inputs: Iterable[str]) -> bool:
        return not any(self.text(key) for key in inputs)


# A service's message about a field goes under the column that holds it.
_COLUMN_OF = {"__all__": "", "is_final": "is_final"}


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def _folded(text: str) -> str:
    """`text` without case, accents or odd spaces, to compare names as typed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPACES).strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _read(upload) -> tuple[str, dict[tuple[str, str], list[_Row]]]:
    """The digest of the file's content and the rows of both sheets by
    sheet names, or WorkbookFailed with the one problem of the file."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise _file_problem(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise _file_problem(_("Upload the workbook downloaded from this page, as an .xlsx file."))
    content = upload.read()
    try:
        spreadsheets.check_archive(content)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ValidationError as error:
        raise _file_problem(" ".join(error.messages)) from error
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _file_problem(
            _("This file could not be read as an Excel workbook (.xlsx).")
        ) from error
    try:
        sheets = {_folded(sheet.title): sheet for sheet in workbook.worksheets}
        found, count = {}, 0
        for names, columns in (
            (INDICATOR_SHEET, INDICATOR_COLUMNS),
            (PROGRESS_SHEET, PROGRESS_COLUMNS),
        ):
            sheet = next((sheets[_folded(n)] for n in names if _folded(n) in sheets), None)
            if sheet is None:
                raise _file_problem(
                    _("The workbook has no sheet “%(sheet)s”: upload the workbook of this page.")
                    % {"sheet": _sheet_title(names)}
                )
            found[names] = _sheet_rows(sheet, _sheet_title(names), columns)
            count += len(found[names])
            if count > spreadsheets.MAX_IMPORT_ROWS:
                raise _file_problem(
                    _("This file has %(count)d rows; import at most %(max)d at a time.")
                    % {"count": count, "max": spreadsheets.MAX_IMPORT_ROWS}
                )
    finally:
        workbook.close()
    return hashlib.sha256(content).hexdigest(), found


def _sheet_rows(sheet, title: str, columns: list[Column]) -> list[_Row]:
    declared = {column.key: column for column in columns}
    accepted = {_folded(header): column.key for column in columns for header in column.headers()}
    rows = sheet.iter_rows(values_only=True)
    header = [spreadsheets.cell_text(value) for value in next(rows, ())]
    positions = {}
    for position, text in enumerate(header):
        key = accepted.get(_folded(text))
        if key is not None:
            positions.setdefault(key, position)
    missing = [column.header for column in columns if column.key not in positions]
    if missing:
        raise _file_problem(
            _(
                "The sheet “%(sheet)s” lacks the columns %(columns)s: upload the workbook of "
                "this page."
            )
            % {"sheet": title, "columns": ", ".join(missing)}
        )
    found = []
    for number, values in enumerate(rows, start=2):
        cells = [spreadsheets.cell_text(value) for value in values]
        if not any(cells):
            continue
        if len(found) >= spreadsheets.MAX_IMPORT_ROWS:
            raise _file_problem(
                _("This file has more than %(max)d rows; import at most %(max)d at a time.")
                % {"max": spreadsheets.MAX_IMPORT_ROWS}
            )
        by_key = {
            key: cells[index] if index < len(cells) else "" for key, index in positions.items()
        }
        found.append(_Row(title, number, by_key, declared))
    return found


# --- Checking the rows ----------------------------------------------------------------


def _parse_decimal(text: str) -> Decimal:
    value = parse_number(text)
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("At most two decimals."))
    if abs(value) >= Decimal("1e12"):
        raise ValidationError(_("This number is too large."))
    return value.quantize(Decimal("0.01"))


def _parse_whole(text: str, maximum: int) -> int:
    value = parse_number(text)
    if value != value.to_integral_value():
        raise ValidationError(_("Write a whole number."))
    if value < 0:
        raise ValidationError(_("A value cannot be negative."))
    if value > maximum:
        raise ValidationError(
            _("At most %(max)s.") % {"max": formats.number_format(maximum, force_grouping=True)}
        )
    return int(value)


def _parse_yes_no(text: str) -> bool:
    folded = _folded(text)
    if folded in ("oui", "yes", "o", "y", "1", "true", "vrai"):
        return True
    if folded in ("non", "no", "n", "0", "false", "faux"):
        return False
    raise ValidationError(_("Answer yes or no (oui or non)."))


def _parse_text(text: str) -> str:
    validate_text(text)
    return text


def _check(row: _Row, key: str, parse, *, required: bool = False) -> None:
    text = row.text(key)
    if not text:
        if required:
            row.refuse(key, _("This column is required."))
        return
    try:
        row.values[key] = parse(text)
    except ValidationError as error:
        for message in error.messages:
            row.refuse(key, message)


@dataclass
class _Plan:
    """What a checked row will do: create a report, change a draft, or nothing."""

    row: _Row
    action: str  # "create", "update", "unchanged", "already"
    record: Indicator | Project
    token: uuid.UUID
    fields: dict
    report: Reviewable | None = None


def _token(digest: str, key: RowKey) -> uuid.UUID:
    """The creation token of a row: the same row of the same file gives the same one."""
    return uuid.uuid5(
        uuid.NAMESPACE_URL, f"workbook:{digest}:{key.kind}:{key.pk}:{key.start}:{key.end}"
    )


def _same_period(report, key: RowKey) -> bool:
    return report.period_start == key.start and report.period_end == key.end


def _match(row: _Row, reports: list, key: RowKey, token: uuid.UUID, user) -> tuple:
    """(action, report) for the row among the record's `reports`, or a
    refusal noted on the row (a report of this period sent or approved)."""
    if any(report.creation_token == token for report in reports):
        mine = next(report for report in reports if report.creation_token == token)
        return "already", mine
    same = next((report for report in reports if _same_period(report, key)), None)
    if same is None:
        return "create", None
    if not same.is_editable:
        row.refuse(
            "status",
            _(
                "The report of this period is %(status)s: it can no longer change. Leave this "
                "row empty, or remove it."
            )
            % {"status": same.get_review_status_display()},
        )
        return None, same
    if not review_rules.may_change(user, same):
        row.refuse(
            "status",
            _(
                "The report of this period was returned to the office that submitted it: only "
                "that office changes it."
            ),
        )
        return None, same
    return "update", same


def _check_scope(
    row: _Row, project: Project | None, region_ids: set[int], office, editable
) -> bool:
    if project is None:
        row.refuse("key", _("This project or indicator no longer exists."))
        return False
    if project.region_id not in region_ids:
        row.refuse(
            "project_code",
            _("This project is not in the regions of %(office)s.") % {"office": office.name},
        )
        return False
    if project.is_finished or project.region_id not in editable:
        if project.is_finished:
            row.refuse(
                "project_code",
                _("The project is %(status)s: it reports no more.")
                % {"status": project.get_status_display()},
            )
        else:
            row.refuse("project_code", _("You cannot write the reports of this project."))
        return False
    return True


def _read_keys(rows: list[_Row], kinds: tuple[str, ...]) -> dict[int, RowKey]:
    """Each row's key (by row number), and the refusal of a missing, changed
    or repeated one."""
    keys, first = {}, {}
    for row in rows:
        try:
            key = RowKey.read(row.text("key"))
        except ValidationError as error:
            row.refuse("key", error.messages[0])
            continue
        if key.kind not in kinds:
            row.refuse("key", _("This row belongs to the other sheet."))
            continue
        if key in first:
            row.refuse("key", _("This row repeats row %(row)d.") % {"row": first[key]})
            continue
        first[key] = row.number
        keys[row.number] = key
    return keys


def _indicator_plans(rows, *, digest, region_ids, office, user) -> list[_Plan]:
    editable = region_access.editable_region_ids(user)
    keys = _read_keys(rows, (INDICATOR,))
    indicators = Indicator.objects.select_related("project").in_bulk(
        {key.pk for key in keys.values()}
    )
    reports = defaultdict(list)
    for report in IndicatorReport.objects.filter(indicator__in=list(indicators)).select_related(
        "submitted_by"
    ):
        reports[report.indicator_id].append(report)
    plans = []
    for row in rows:
        key = keys.get(row.number)
        if key is None:
            continue
        indicator = indicators.get(key.pk)
        project = indicator.project if indicator else None
        if not _check_scope(row, project, region_ids, office, editable):
            continue
        token = _token(digest, key)
        overlapping = [
            report
            for report in reports[indicator.pk]
            if report.period_start <= key.end and report.period_end >= key.start
        ]
        action, report = _match(row, overlapping, key, token, user)
        if action is None or action == "already":
            if action:
                plans.append(_Plan(row, action, indicator, token, {}, report))
            continue
        _check_indicator_cells(row, indicator)
        fields = {
            "period_start": key.start,
            "period_end": key.end,
            "value": row.values.get("value"),
            **{name: row.values.get(name) for name in (*services.DISAGGREGATED,)},
            "comment": row.values.get("comment", ""),
        }
        if not row.problems:
            row.refuse_all(
                IndicatorReport.period_problems(
                    indicator,
                    start=key.start,
                    end=key.end,
                    exclude_pk=report.pk if report else None,
                    token=token,
                )
                | services.indicator_report_problems(indicator, fields)
            )
        if report is not None and all(
            getattr(report, name) == value for name, value in fields.items()
        ):
            action = "unchanged"
        plans.append(_Plan(row, action, indicator, token, fields, report))
    return plans


def _check_indicator_cells(row: _Row, indicator: Indicator) -> None:
    _check(row, "value", _parse_decimal, required=True)
    for names, asked, message in (
        (
            services.SEX_PARTS,
            indicator.by_sex,
            _("This indicator is not disaggregated by sex: leave this cell empty."),
        ),
        (
            AGE_BANDS,
            indicator.by_age,
            _("This indicator is not disaggregated by age: leave this cell empty."),
        ),
    ):
        for name in names:
            if asked:
                _check(row, name, _parse_decimal)
            elif row.text(name):
                row.refuse(name, message)
    _check(row, "comment", _parse_text)


def _progress_plans(rows, *, digest, region_ids, office, user) -> list[_Plan]:
    editable = region_access.editable_region_ids(user)
    keys = _read_keys(rows, (PROGRESS, FINAL))
    projects = Project.objects.in_bulk({key.pk for key in keys.values()})
    reports = defaultdict(list)
    for report in ProgressReport.objects.filter(project__in=list(projects)).select_related(
        "submitted_by"
    ):
        reports[report.project_id].append(report)
    plans = []
    for row in rows:
        key = keys.get(row.number)
        if key is None:
            continue
        project = projects.get(key.pk)
        if not _check_scope(row, project, region_ids, office, editable):
            continue
        is_final = key.kind == FINAL
        token = _token(digest, key)
        same_kind = [
            report
            for report in reports[project.pk]
            if report.is_final == is_final
            and (is_final or (report.period_start <= key.end and report.period_end >= key.start))
        ]
        action, report = _match(row, same_kind, key, token, user)
        if action is None or action == "already":
            if action:
                plans.append(_Plan(row, action, project, token, {}, report))
            continue
        _check(row, "narrative", _parse_text, required=True)
        _check(row, "percent_complete", lambda text: _parse_whole(text, 100), required=True)
        _check(row, "site_accessible", _parse_yes_no)
        for name in REACHED:
            _check(row, name, lambda text: _parse_whole(text, MAX_BENEFICIARIES))
        fields = {
            "period_start": key.start,
            "period_end": key.end,
            "is_final": is_final,
            "narrative": row.values.get("narrative", ""),
            "percent_complete": row.values.get("percent_complete"),
            "site_accessible": row.values.get("site_accessible", True),
            **{name: row.values.get(name, 0) for name in REACHED},
        }
        if not row.problems:
            row.refuse_all(
                ProgressReport.period_problems(
                    project,
                    start=key.start,
                    end=key.end,
                    is_final=is_final,
                    exclude_pk=report.pk if report else None,
                    token=token,
                )
            )
        if report is not None and all(
            getattr(report, name) == value for name, value in fields.items()
        ):
            action = "unchanged"
        plans.append(_Plan(row, action, project, token, fields, report))
    return plans


# --- Writing --------------------------------------------------------------------------


@dataclass
class WorkbookImported:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    already: int = 0  # created by this very file before
    skipped: int = 0  # rows left empty
    quarter: Quarter | None = None


def _raise_if_any(rows: list[_Row]) -> None:
    problems = [problem for row in rows for problem in row.problems]
    if problems:
        raise WorkbookFailed(problems)


def import_workbook(upload, *, office: Office, by) -> WorkbookImported:
    """Record every filled row of an uploaded workbook as a draft report (or
    a change to its draft), or none: raises WorkbookFailed with every problem
    found. `office` must be one `by` acts for (`get_office`)."""
    if not offices_for(by).filter(pk=office.pk).exists():
        raise PermissionDenied
    digest, sheets = _read(upload)
    region_ids = set(_region_ids(office))
    filled = {
        INDICATOR_SHEET: [r for r in sheets[INDICATOR_SHEET] if not r.is_empty(INDICATOR_INPUTS)],
        PROGRESS_SHEET: [r for r in sheets[PROGRESS_SHEET] if not r.is_empty(PROGRESS_INPUTS)],
    }
    result = WorkbookImported(
        skipped=sum(len(rows) for rows in sheets.values())
        - sum(len(rows) for rows in filled.values())
    )
    every_row = [*filled[INDICATOR_SHEET], *filled[PROGRESS_SHEET]]
    if not every_row:
        raise _file_problem(_("No row of this workbook is filled: there is nothing to record."))
    scope = {"digest": digest, "region_ids": region_ids, "office": office, "user": by}
    with transaction.atomic():
        plans = _indicator_plans(filled[INDICATOR_SHEET], **scope)
        plans += _progress_plans(filled[PROGRESS_SHEET], **scope)
        _raise_if_any(every_row)
        for plan in plans:
            _write(plan, by=by, result=result)
        # Raised inside the transaction: what was written goes with it.
        _raise_if_any(every_row)
    ends = [plan.fields.get("period_end") or plan.report.period_end for plan in plans]
    result.quarter = Quarter.containing(max(ends)) if ends else None
    return result


def _write(plan: _Plan, *, by, result: WorkbookImported) -> None:
    if plan.action in ("already", "unchanged"):
        setattr(result, plan.action, getattr(result, plan.action) + 1)
        return
    is_indicator = isinstance(plan.record, Indicator)
    try:
        if plan.action == "update":
            edit = services.edit_indicator_report if is_indicator else services.edit_progress_report
            edit(plan.report, by=by, **plan.fields)
            result.updated += 1
            return
        create = (
            services.create_indicator_report if is_indicator else services.create_progress_report
        )
        _report, created = create(plan.record, by=by, token=plan.token, **plan.fields)
    except ValidationError as error:
        plan.row.refuse_all(error)
        return
    if created:
        result.created += 1
    else:  # written meanwhile by the same file, uploaded at the same instant
        result.already += 1


# --- Submitting the drafts ------------------------------------------------------------


def office_drafts(office: Office, quarter: Quarter) -> list[Reviewable]:
    """The drafts and returned reports of the office's projects whose period
    ends in `quarter`, project by project: two queries (and the office's
    regions)."""
    region_ids = _region_ids(office)
    open_states = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
    finished = (Project.Status.CLOSED, Project.Status.CANCELLED)
    within = {"period_end__gte": quarter.start, "period_end__lte": quarter.end}
    indicator_reports = (
        IndicatorReport.objects.filter(
            review_status__in=open_states,
            indicator__project__region__in=region_ids,
            **within,
        )
        .exclude(indicator__project__status__in=finished)
        .select_related("indicator__project", "created_by", "submitted_by")
    )
    progress_reports = (
        ProgressReport.objects.filter(
            review_status__in=open_states, project__region__in=region_ids, **within
        )
        .exclude(project__status__in=finished)
        .select_related("project", "created_by", "submitted_by")
    )
    found = list(progress_reports) + list(indicator_reports)
    found.sort(key=lambda report: (project_of(report).code, draft_key(report)))
    return found


def project_of(report: Reviewable) -> Project:
    return report.project if isinstance(report, ProgressReport) else report.indicator.project


def draft_key(report: Reviewable) -> str:
    """How the submit form names a report: its kind and key."""
    kind = PROGRESS if isinstance(report, ProgressReport) else INDICATOR
    return f"{kind}-{report.pk}"


def may_submit(user, report: Reviewable, *, editable: frozenset[int]) -> bool:
    """`projects.access.can_edit_report`, with the regions `user` edits read
    once for a whole list (`editable`) rather than once a report."""
    return access.can_edit_report(user, report, project_of(report), editable_regions=editable)


def submit_refusals(user, reports: Iterable[Reviewable]) -> list[str]:
    """Why `user` may not submit each of `reports` ("" where they may)."""
    editable = region_access.editable_region_ids(user)
    refusals = []
    for report in reports:
        if may_submit(user, report, editable=editable):
            refusals.append("")
        elif report.review_status == ReviewStatus.RETURNED:
            refusals.append(
                _(
                    "This report was returned to the office that submitted it: only that "
                    "office submits it again."
                )
            )
        else:
            refusals.append(_("You cannot submit the reports of this project."))
    return refusals


@dataclass
class Submission:
    report: Reviewable
    problems: list[str]

    @property
    def submitted(self) -> bool:
        return not self.problems


def submit_all(reports: Iterable[Reviewable], *, by) -> list[Submission]:
    """Submit each of `reports` through the review workflow, each on its own:
    one refused does not hold back the others. Returns what became of each,
    with the reasons of those refused."""
    reports = list(reports)
    outcomes = []
    for report, refusal in zip(reports, submit_refusals(by, reports), strict=True):
        if refusal:
            outcomes.append(Submission(report, [refusal]))
            continue
        try:
            review_services.submit(report, by=by)
        except (WorkflowError, ValidationError) as error:
            outcomes.append(Submission(report, error.messages))
        except PermissionDenied as error:
            outcomes.append(Submission(report, [str(error) or _("You cannot submit this report.")]))
        else:
            outcomes.append(Submission(report, []))
    return outcomes


def report_label(report: Reviewable) -> str:
    """A report as a line of a list: its project, what it reports, its period."""
    period = period_label(report.period_start, report.period_end)
    if isinstance(report, ProgressReport):
        kind = _("final report") if report.is_final else _("progress report")
        return f"{report.project.code} — {kind}, {period}"
    return f"{report.indicator.project.code} — {report.indicator.title}, {period}"
