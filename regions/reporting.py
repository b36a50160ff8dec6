"""The updates validated plans owe: from the plan reporting obligations
(`PlanReportingObligation`) and the plan's dates, each plan has its due
updates, in a state that follows the review of the update that answers it."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from core.periods import DueReport, Period, answering
from regions.models import PlanReportingObligation, PlanUpdate, RegionalPlan
from reviews.models import ReviewEvent

PLAN_UPDATE = "plan_update"
KIND_LABEL = _("plan update")

# Plans that owe updates: validated ones, and archived ones for what fell due
# while they were in force (the compliance page counts those).
REPORTING_STATUSES = (RegionalPlan.Status.VALIDATED, RegionalPlan.Status.ARCHIVED)


def due_updates(plans: Iterable[RegionalPlan], *, today: datetime.date) -> list[DueReport]:
    """Every update `plans` owe by `today` (periods that have begun), oldest
    due first: three queries whatever the number of plans."""
    plans = [plan for plan in plans if plan.status in REPORTING_STATUSES]
    if not plans:
        return []
    obligations = list(PlanReportingObligation.objects.filter(is_active=True))
    updates = defaultdict(list)
    for update in PlanUpdate.objects.filter(plan__in=[plan.pk for plan in plans]).only(
        "pk", "plan_id", "period_start", "period_end", "review_status"
    ):
        updates[update.plan_id].append(update)
    owed = [
        (plan, period)
        for plan in plans
        for obligation in obligations
        for period in obligation.periods_for(plan.period_start, plan.period_end)
        if period.start <= today
    ]
    answers = [answering(updates[plan.pk], period) for plan, period in owed]
    submitted = ReviewEvent.first_submissions(PlanUpdate, {a.pk for a in answers if a})
    found = [
        DueReport.answered_by(
            answer,
            kind=PLAN_UPDATE,
            kind_label=KIND_LABEL,
            record=plan,
            period=period,
            submitted=submitted,
            today=today,
        )
        for (plan, period), answer in zip(owed, answers, strict=True)
    ]
    found.sort(key=lambda due: (due.due_on, due.record.pk))
    return found


def open_periods(plan: RegionalPlan, *, today: datetime.date) -> list[Period]:
    """The due periods of `plan` that no update answers yet: what a new update is offered."""
    return [due.period for due in due_updates([plan], today=today) if due.report is None]
