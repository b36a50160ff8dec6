"""The coordination overview: bodies, the next meetings, and the decisions
that are open or overdue."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from coordination import access
from coordination.models import CoordinationBody, Decision, Meeting

UPCOMING_MEETINGS = 10
OVERDUE_SHOWN = 10
Status = Decision.Status


def _decision_counts(today) -> dict:
    """Decisions per status, and the overdue ones, in one aggregate."""
    counts = {status.value: Count("pk", filter=Q(status=status)) for status in Status}
    overdue = Q(status__in=[Status.OPEN, Status.IN_PROGRESS], due_date__lt=today)
    return Decision.objects.aggregate(**counts, overdue=Count("pk", filter=overdue))


@login_required
@require_safe
def home(request):
    today = timezone.localdate()
    bodies = CoordinationBody.objects.select_related("region").order_by(
        F("region__name_fr").asc(nulls_first=True), "name"
    )
    overdue = (
        Decision.objects.overdue(today)
        .select_related("meeting__body", "owner_organisation", "owner_user")
        .order_by("due_date", "pk")
    )
    context = {
        "bodies": bodies,
        "meetings": Meeting.objects.upcoming().select_related("body")[:UPCOMING_MEETINGS],
        "counts": _decision_counts(today),
        "overdue": overdue[:OVERDUE_SHOWN],
        "can_create_body": access.can_create_bodies(request.user),
        "can_manage_organisations": access.can_manage_organisations(request.user),
    }
    return render(request, "coordination/home.html", context)
