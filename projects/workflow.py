"""What each step of a project's life needs, in one place.

The review steps (submit, approve, send back) go through the portal's one
workflow engine (`reviews.services`), which asks the project
(`Project.review_problems`) and so this module; the later steps (start,
complete, close, cancel) are taken by `projects.services.move`, which asks
here too. Each condition is a sentence the status page shows as it is:

- submit and approve: the mechanism's rules (`funding.rules`);
- start: a funding approval, and the day the project actually started;
- complete: the day it actually ended, and an approved final progress report;
- close: every approved amount transferred and every transfer accounted for
  by expenditure, and no report left in draft, submitted or returned;
- cancel: a reason.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from funding import rules
from funding.money import format_money
from funding.services import project_totals
from projects.models import IndicatorReport, ProgressReport, Project
from reviews.models import ReviewStatus

# The fields a mechanism's rules read.
RULE_FIELDS = {
    "implementing_partner",
    "indirect_cost_amount",
    "budget_amount",
    "budget_currency",
    "planned_start",
    "planned_end",
    "mechanism",
    "window",
}
# The day each step records on the project, when the status page gives it.
STEP_DATES = {"start": "actual_start", "complete": "actual_end"}
PENDING = [ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED]


def rule_problems(values: dict) -> list[str]:
    """What the project described by `values` breaks of its mechanism's rules."""
    if not values.get("mechanism"):
        return []
    return rules.check_project(
        mechanism=values["mechanism"],
        window=values.get("window"),
        budget=values.get("budget_amount"),
        currency=values.get("budget_currency"),
        start=values.get("planned_start"),
        end=values.get("planned_end"),
        implementer=values.get("implementing_partner"),
        indirect_costs=values.get("indirect_cost_amount"),
    )


def preconditions(project: Project, step: str) -> list[str]:
    """What `project` lacks for `step`, besides the date or the reason the
    status page asks for with it (`input_problems`)."""
    if step in ("submit", "approve"):
        return rule_problems({name: getattr(project, name) for name in RULE_FIELDS})
    if step == "start":
        return _start_problems(project)
    if step == "complete":
        return _complete_problems(project)
    if step == "close":
        return _close_problems(project)
    return []


def input_problems(project: Project, step: str, *, day: datetime.date | None, reason: str):
    """What is wrong with the date or the reason given for `step` on
    `project`; `day` is the one the step records (`STEP_DATES`)."""
    if step == "cancel" and not reason.strip():
        return [_("Say why the project is cancelled: a reason is required.")]
    if step not in STEP_DATES:
        return []
    today = timezone.localdate()
    if step == "start":
        if day is None:
            return [_("Give the day the project actually started.")]
        if day > today:
            return [
                _("The actual start cannot be after today (%(today)s).")
                % {"today": formats.date_format(today)}
            ]
        return []
    if day is None:
        return [_("Give the day the project actually ended.")]
    if day > today:
        return [
            _("The actual end cannot be after today (%(today)s).")
            % {"today": formats.date_format(today)}
        ]
    if project.actual_start and day < project.actual_start:
        return [
            _("The actual end cannot be before the actual start (%(start)s).")
            % {"start": formats.date_format(project.actual_start)}
        ]
    return []


def step_problems(project: Project, step: str, *, day=None, reason: str = "") -> list[str]:
    return preconditions(project, step) + input_problems(project, step, day=day, reason=reason)


def _start_problems(project: Project) -> list[str]:
    if project.funding_approvals.exists():
        return []
    return [_("A project starts once its funding is approved: record the funding approval first.")]


def _complete_problems(project: Project) -> list[str]:
    final = ProgressReport.objects.filter(
        project=project, is_final=True, review_status=ReviewStatus.APPROVED
    )
    if final.exists():
        return []
    return [
        _(
            "A project is completed once headquarters has approved its final progress "
            "report: submit a progress report marked as final."
        )
    ]


def _close_problems(project: Project) -> list[str]:
    problems = []
    totals = project_totals(project)
    approved, transferred, spent = totals["approved"], totals["transferred"], totals["spent"]
    currency = project.budget_currency
    if transferred != approved:
        problems.append(
            _(
                "The money is not reconciled: %(approved)s approved, %(transferred)s "
                "transferred. Record the remaining tranches first."
            )
            % {
                "approved": format_money(approved, currency),
                "transferred": format_money(transferred, currency),
            }
        )
    if spent != transferred:
        problems.append(
            _(
                "The spending is not reconciled: %(transferred)s transferred, %(spent)s "
                "reported spent. Record the partner's remaining expenditure first."
            )
            % {
                "transferred": format_money(transferred, currency),
                "spent": format_money(spent, currency),
            }
        )
    pending = (
        ProgressReport.objects.filter(project=project, review_status__in=PENDING).count()
        + IndicatorReport.objects.filter(
            indicator__project=project, review_status__in=PENDING
        ).count()
    )
    if pending:
        problems.append(
            ngettext(
                "%(count)d report of this project is still in draft, submitted or returned: "
                "have it approved first.",
                "%(count)d reports of this project are still in draft, submitted or returned: "
                "have them approved first.",
                pending,
            )
            % {"count": pending}
        )
    return problems
