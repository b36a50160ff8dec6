"""`/reviews/`, the queue people work from: what awaits their review, what
was returned to them, their submissions and drafts (`reviews.queue`), and
the reports their office owes (`portfolio.reporting.due_for_user`), under the
same filters."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts import access
from accounts.roles import Role
from core.periods import DueReport
from portfolio import reporting
from portfolio.forms import QueueFilterForm
from projects.due_links import rows_for
from projects.models import ProgressReport
from regions.models import PlanUpdate
from regions.reporting import PLAN_UPDATE
from reviews.queue import SECTION_LIMIT, Filters, empty_queue, queue_for


def _model_label(due: DueReport) -> str:
    """The kind of record that answers `due`, as the queue's kind filter names it."""
    model = PlanUpdate if due.kind == PLAN_UPDATE else ProgressReport
    return model._meta.label_lower


def _filtered(dues: list[DueReport], filters: Filters, today: datetime.date) -> list[DueReport]:
    if filters.region is not None:
        dues = [due for due in dues if due.region_id == filters.region.pk]
    if filters.kind:
        dues = [due for due in dues if _model_label(due) == filters.kind]
    if filters.older_than:
        since = today - datetime.timedelta(days=filters.older_than)
        dues = [due for due in dues if due.due_on <= since]
    return dues


@login_required
@require_safe
def my_queue(request):
    form = QueueFilterForm(request.GET)
    # An invalid filter shows its error and no rows, rather than rows the
    # person did not ask for (as every list does, core.lists).
    filters = form.filters() if form.is_valid() else None
    today = timezone.localdate()
    dues = []
    if filters:
        dues = _filtered(reporting.due_for_user(request.user, today=today), filters, today)
    context = {
        "sections": queue_for(request.user, filters) if filters else empty_queue(),
        "form": form,
        "filtering": form.is_filtering,
        "limit": SECTION_LIMIT,
        "is_reviewer": access.can_review(request.user),
        "sees_due_reports": access.sees_due_reports(request.user),
        "due_rows": rows_for(request.user, dues),
        "due_overdue_only": access.role_of(request.user) == Role.HQ_OFFICER,
    }
    return render(request, "reviews/queue.html", context)
