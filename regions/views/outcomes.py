"""Pages to manage the outcome indicators of a plan's priorities and their
targets per period: the region's office and headquarters, as for the
priorities (`regions.access`), until the plan is archived. Every write goes
through `regions.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import show_errors
from core.views import posted
from regions import access, services
from regions.forms.outcomes import OutcomeForm, OutcomeTargetForm
from regions.models import OutcomeIndicator, OutcomeTarget, RegionalPlan


def _results_of(plan: RegionalPlan) -> str:
    return f"{plan.get_absolute_url()}#results"


def _closed(request, plan: RegionalPlan):
    messages.error(request, services.ARCHIVED_PLAN)
    return redirect(_results_of(plan))


def _fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in form._meta.fields}


@login_required
@require_http_methods(["GET", "POST"])
def outcome_create(request, pk):
    priority = access.get_priority_for_edit(request.user, pk)
    plan = priority.plan
    if plan.status == RegionalPlan.Status.ARCHIVED:
        return _closed(request, plan)
    form = OutcomeForm(posted(request), instance=OutcomeIndicator(priority=priority))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.create_outcome(priority, by=request.user, **_fields(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, _("The outcome indicator was added: give its targets per period.")
            )
            return redirect("regions:outcome_edit", outcome.pk)
    context = {"form": form, "plan": plan, "priority": priority}
    return render(request, "regions/outcome_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request, pk):
    outcome = access.get_outcome_for_edit(request.user, pk)
    plan = outcome.priority.plan
    if not outcome.is_editable:
        return _closed(request, plan)
    form = OutcomeForm(posted(request), instance=outcome)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_outcome(outcome, by=request.user, **_fields(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The outcome indicator was saved."))
            return redirect(_results_of(plan))
    context = {
        "form": form,
        "plan": plan,
        "priority": outcome.priority,
        "outcome": outcome,
        "targets": outcome.targets.all(),
    }
    return render(request, "regions/outcome_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_target_create(request, pk):
    outcome = access.get_outcome_for_edit(request.user, pk)
    if not outcome.is_editable:
        return _closed(request, outcome.priority.plan)
    form = OutcomeTargetForm(posted(request), instance=OutcomeTarget(indicator=outcome))
    if request.method == "POST" and form.is_valid():
        try:
            services.create_outcome_target(outcome, by=request.user, **_fields(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The target was added."))
            return redirect("regions:outcome_edit", outcome.pk)
    context = {"form": form, "outcome": outcome, "plan": outcome.priority.plan}
    return render(request, "regions/outcome_target_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_target_edit(request, pk):
    target = access.get_outcome_target_for_edit(request.user, pk)
    outcome = target.indicator
    if not outcome.is_editable:
        return _closed(request, outcome.priority.plan)
    form = OutcomeTargetForm(posted(request), instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_outcome_target(target, by=request.user, **_fields(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("regions:outcome_edit", outcome.pk)
    context = {"form": form, "outcome": outcome, "plan": outcome.priority.plan, "target": target}
    return render(request, "regions/outcome_target_form.html", context)


@login_required
@require_POST
def outcome_target_delete(request, pk):
    target = access.get_outcome_target_for_edit(request.user, pk)
    outcome = target.indicator
    try:
        services.delete_outcome_target(target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The target was deleted."))
    return redirect("regions:outcome_edit", outcome.pk)
