"""Decisions (action points): the list across bodies, one decision with the
history of its status, and moving it to another status with a comment.

Access comes from `coordination.access`, status changes from
`coordination.services`."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.security_log import logs_export
from coordination import access, exports, services
from coordination.filters import DecisionFilter
from coordination.forms.decisions import DecisionStatusForm
from coordination.models import Decision
from core.lists import filtered_page

DECISIONS_PER_PAGE = 25


@dataclass
class StatusChange:
    at: datetime
    user: object
    old: str | None  # None when the decision was recorded
    new: str
    comment: str


def _status_history(decision: Decision) -> list[StatusChange]:
    """When the decision was recorded and each change of its status, newest
    first, with who made it and their comment (one query)."""
    labels = dict(Decision.Status.choices)
    records = decision.history.select_related("history_user").order_by("history_date", "history_id")
    changes, previous = [], None
    for record in records:
        if previous is None or record.status != previous:
            changes.append(
                StatusChange(
                    at=record.history_date,
                    user=record.history_user,
                    old=labels.get(previous, previous) if previous else None,
                    new=labels.get(record.status, record.status),
                    comment=record.history_change_reason or "",
                )
            )
        previous = record.status
    changes.reverse()
    return changes


def _get_decision(pk) -> Decision:
    related = ("meeting__body__region", "owner_organisation", "owner_user", "plan__region")
    return get_object_or_404(Decision.objects.select_related(*related), pk=pk)


def _filters(request) -> DecisionFilter:
    decisions = Decision.objects.select_related(
        "meeting__body", "owner_organisation", "owner_user"
    ).order_by(F("due_date").asc(nulls_last=True), "pk")
    return DecisionFilter(request.GET, queryset=decisions)


def _filtered(request):
    """Every row the list shows, none with an invalid filter (as `filtered_page`)."""
    filterset = _filters(request)
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


@login_required
@require_safe
def decision_list(request):
    listing = filtered_page(request, _filters(request), per_page=DECISIONS_PER_PAGE)
    return render(request, "coordination/decision_list.html", listing)


@login_required
@require_safe
@logs_export("decisions_csv")
def decision_export_csv(request):
    return exports.decisions_csv(_filtered(request))


@login_required
@require_safe
@logs_export("decisions_xlsx")
def decision_export_xlsx(request):
    return exports.decisions_xlsx(_filtered(request))


def _detail(request, decision: Decision, form=None):
    can_manage = access.can_manage_body(request.user, decision.meeting.body)
    if can_manage and form is None:
        form = DecisionStatusForm(decision=decision)
    context = {
        "decision": decision,
        "history": _status_history(decision),
        "can_manage": can_manage,
        "form": form,
    }
    return render(request, "coordination/decision_detail.html", context)


@login_required
@require_safe
def decision_detail(request, pk):
    return _detail(request, _get_decision(pk))


@login_required
@require_POST
def decision_status(request, pk):
    access.get_decision_for_manage(request.user, pk)
    decision = _get_decision(pk)
    form = DecisionStatusForm(request.POST, decision=decision)
    if form.is_valid():
        try:
            services.change_decision_status(decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The status of the decision was changed."))
            return redirect(decision)
    return _detail(request, decision, form)
