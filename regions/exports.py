"""The regional plans and their updates as CSV and XLSX: the rows of the plans
list with its filters, all of them, with headers in the reader's language
(written by `core.spreadsheets`, which also neutralizes formulas).

Whoever downloads reads only what the list shows them (`reviews.visibility`):
partners and viewers the validated plans and their approved updates. Review
comments are never written."""

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from regions.models import PlanUpdate, RegionalPlan
from reviews import visibility
from reviews.models import ReviewStatus

# Rows read from the database at a time.
CHUNK_SIZE = 2000
PLANS_STEM = "plans-regionaux"
UPDATES_STEM = "mises-a-jour-des-plans"


def _rows(queryset: QuerySet):
    return queryset.iterator(chunk_size=CHUNK_SIZE)


# --- Plans -------------------------------------------------------------------------

# Rows of the plans list (`regions.views.plans`): each plan with its region,
# `priority_count` and `estimated_cost`, the sum of its priorities' costs.
PLAN_COLUMNS = [
    (_("Title"), lambda plan: plan.title),
    (_("Region"), lambda plan: plan.region.name),
    (_("Period start"), lambda plan: plan.period_start),
    (_("Period end"), lambda plan: plan.period_end),
    # The label of the choice, not get_status_display(), which looks it up
    # among every choice's translation.
    (_("Status"), lambda plan: str(RegionalPlan.Status(plan.status).label)),
    (_("Validation date"), lambda plan: plan.validation_date),
    (_("Validating authority"), lambda plan: plan.validating_authority),
    (_("Priorities"), lambda plan: plan.priority_count),
    spreadsheets.usd(_("Estimated cost (USD)"), lambda plan: plan.estimated_cost),
]


def plans_csv(plans: QuerySet) -> StreamingHttpResponse:
    """`plans` (the list's rows, filtered) as CSV."""
    return spreadsheets.csv_response(PLAN_COLUMNS, _rows(plans), stem=PLANS_STEM)


def plans_xlsx(plans: QuerySet) -> FileResponse:
    """`plans` (the list's rows, filtered) as XLSX, their estimated cost totalled."""
    return spreadsheets.xlsx_response(
        PLAN_COLUMNS, _rows(plans), stem=PLANS_STEM, title=gettext("Regional plans")
    )


# --- Plan updates ------------------------------------------------------------------


def updates_of(plans: QuerySet, user) -> QuerySet:
    """The updates `user` may read of `plans` (the plans list's rows, with
    its filters), latest period first, their plan and region joined: one
    query, the plans as a subquery."""
    updates = PlanUpdate.objects.filter(plan__in=plans.order_by().values("pk"))
    return (
        visibility.visible(updates, user)
        .select_related("plan__region")
        .order_by("plan__region__code", "-period_end", "-pk")
    )


UPDATE_COLUMNS = [
    (_("Region"), lambda update: update.plan.region.name),
    (_("Plan"), lambda update: update.plan.title),
    (_("Reporting period start"), lambda update: update.period_start),
    (_("Reporting period end"), lambda update: update.period_end),
    (_("Review status"), lambda update: str(ReviewStatus(update.review_status).label)),
    (_("Overall narrative"), lambda update: update.narrative),
    (_("Risks"), lambda update: update.risks),
    (_("Access constraints"), lambda update: update.access_constraints),
]


def updates_csv(updates: QuerySet) -> StreamingHttpResponse:
    """`updates` (from `updates_of`) as CSV."""
    return spreadsheets.csv_response(UPDATE_COLUMNS, _rows(updates), stem=UPDATES_STEM)


def updates_xlsx(updates: QuerySet) -> FileResponse:
    """`updates` (from `updates_of`) as XLSX."""
    return spreadsheets.xlsx_response(
        UPDATE_COLUMNS, _rows(updates), stem=UPDATES_STEM, title=gettext("Plan updates")
    )
