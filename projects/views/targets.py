"""Pages to set the targets per period of a project's indicator, for the
staff who edit the project (`projects.access`); every write goes through
`projects.services`. The indicator's page lists them (`indicator_edit`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import show_errors
from core.views import posted
from projects import access, services
from projects.forms.reports import IndicatorTargetForm
from projects.models import IndicatorTarget


def _fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in form._meta.fields}


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request, pk):
    indicator = access.get_indicator_for_edit(request.user, pk)
    form = IndicatorTargetForm(posted(request), instance=IndicatorTarget(indicator=indicator))
    if request.method == "POST" and form.is_valid():
        try:
            services.create_indicator_target(indicator, by=request.user, **_fields(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The target was added."))
            return redirect("projects:indicator_edit", indicator.pk)
    context = {"form": form, "indicator": indicator, "project": indicator.project}
    return render(request, "projects/indicator_target_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    target = access.get_indicator_target_for_edit(request.user, pk)
    indicator = target.indicator
    form = IndicatorTargetForm(posted(request), instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_indicator_target(target, by=request.user, **_fields(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("projects:indicator_edit", indicator.pk)
    context = {"form": form, "indicator": indicator, "project": indicator.project, "target": target}
    return render(request, "projects/indicator_target_form.html", context)


@login_required
@require_POST
def target_delete(request, pk):
    target = access.get_indicator_target_for_edit(request.user, pk)
    services.delete_indicator_target(target, by=request.user)
    messages.success(request, _("The target was deleted."))
    return redirect("projects:indicator_edit", target.indicator_id)
