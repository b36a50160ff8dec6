"""Pages of a project's locations and indicators, and of the reports its
region's office submits to headquarters: indicator reports (with evidence)
and progress reports (with photos and documents).

Refusals follow the plan-update pages' rule: who may act is enforced with 403
(projects.access and the review services); what a report's state no longer
allows (it is submitted or approved) is a message and a redirect to it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts import access as accounts_access
from core import files
from core.forms import AttachmentForm
from core.views import period_initial
from projects import access, reporting, services
from projects.forms.reports import (
    IndicatorForm,
    IndicatorReportCreateForm,
    IndicatorReportForm,
    LocationForm,
    ProgressReportCreateForm,
    ProgressReportForm,
)
from projects.models import (
    Indicator,
    IndicatorEvidence,
    IndicatorReport,
    Location,
    ProgressReport,
    ProgressReportAttachment,
)
from reviews import views as review_views
from reviews import visibility
from reviews.models import Reviewable

STEPS = ("submit", "approve", "return")


def _data(request):
    return request.POST if request.method == "POST" else None


def _error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _section(project, anchor: str) -> str:
    return f"{project.get_absolute_url()}#{anchor}"


# --- Locations ------------------------------------------------------------------------


@login_required
def location_create(request, pk):
    project = access.get_project_for_edit(request.user, pk)
    form = LocationForm(_data(request), instance=Location(project=project), project=project)
    if request.method == "POST" and form.is_valid():
        services.create_location(project, by=request.user, **form.model_values())
        messages.success(request, _("Location added."))
        return redirect(_section(project, "locations"))
    return render(request, "projects/location_form.html", {"project": project, "form": form})


@login_required
def location_edit(request, pk):
    location = access.get_location_for_edit(request.user, pk)
    project = location.project
    form = LocationForm(_data(request), instance=location, project=project)
    if request.method == "POST" and form.is_valid():
        services.edit_location(location, by=request.user, **form.model_values())
        messages.success(request, _("Location saved."))
        return redirect(_section(project, "locations"))
    context = {"project": project, "location": location, "form": form}
    return render(request, "projects/location_form.html", context)


@login_required
def location_delete(request, pk):
    location = access.get_location_for_edit(request.user, pk)
    project = location.project
    if request.method == "POST":
        services.delete_location(location, by=request.user)
        messages.success(request, _("Location deleted."))
        return redirect(_section(project, "locations"))
    context = {"project": project, "location": location}
    return render(request, "projects/location_confirm_delete.html", context)


# --- Indicators -----------------------------------------------------------------------


@login_required
def indicator_create(request, pk):
    project = access.get_project_for_edit(request.user, pk)
    form = IndicatorForm(_data(request), instance=Indicator(project=project))
    if request.method == "POST" and form.is_valid():
        services.create_indicator(project, by=request.user, **form.model_values())
        messages.success(request, _("Indicator added."))
        return redirect(_section(project, "indicators"))
    return render(request, "projects/indicator_form.html", {"project": project, "form": form})


@login_required
def indicator_edit(request, pk):
    indicator = access.get_indicator_for_edit(request.user, pk)
    project = indicator.project
    form = IndicatorForm(_data(request), instance=indicator)
    if request.method == "POST" and form.is_valid():
        services.edit_indicator(indicator, by=request.user, **form.model_values())
        messages.success(request, _("Indicator saved."))
        return redirect(_section(project, "indicators"))
    context = {"project": project, "indicator": indicator, "form": form}
    return render(request, "projects/indicator_form.html", context)


# --- The review workflow, shared by both kinds of report --------------------------------


def _refuse_change(request, report: Reviewable):
    if report.is_locked:
        messages.error(request, _("This report is approved: it is read-only."))
    else:
        messages.error(request, _("This report awaits review: it can change only if returned."))
    return redirect(report)


# What each step says once taken.
DONE = {
    "submit": gettext_lazy("Report submitted: headquarters will review it."),
    "approve": gettext_lazy("Report approved: the submitter has been told."),
    "return": gettext_lazy("Report returned: the submitter has been told what to change."),
}


def _review_context(request, report: Reviewable, url_name: str, return_form=None) -> dict:
    return review_views.review_context(
        request,
        report,
        approve_url=reverse(url_name, args=[report.pk, "approve"]),
        return_url=reverse(url_name, args=[report.pk, "return"]),
        return_form=return_form,
    )


def _take_step(request, report: Reviewable, step: str, *, render_detail):
    return review_views.take_step(request, report, step, render_detail=render_detail, done=DONE)


def _report_for_step(user, pk: int, step: str, *, get, get_for_edit):
    """The report, if `user` may take `step`: its region's editors submit,
    headquarters reviews (403 otherwise); an unknown step is a 404."""
    if step not in STEPS:
        raise Http404
    if step == "submit":
        return get_for_edit(user, pk)
    if not accounts_access.can_review(user):
        raise PermissionDenied
    return get(pk)


# --- Indicator reports ----------------------------------------------------------------


def _render_indicator_report(request, report: IndicatorReport, *, return_form=None):
    indicator = report.indicator
    context = {
        "report": report,
        "indicator": indicator,
        "project": indicator.project,
        "evidence": report.evidence.select_related("uploaded_by"),
        "other_reports": indicator.reports.exclude(pk=report.pk),
        "can_edit": report.is_editable
        and access.can_edit_report(request.user, report, indicator.project),
        **_review_context(request, report, "projects:indicator_report_step", return_form),
    }
    return render(request, "projects/indicator_report_detail.html", context)


@login_required
@require_safe
def indicator_report_detail(request, pk):
    report = visibility.check_visible(request.user, access.get_indicator_report(pk))
    return _render_indicator_report(request, report)


@login_required
def indicator_report_create(request, pk):
    indicator = access.get_indicator_for_edit(request.user, pk)
    form = IndicatorReportCreateForm(
        _data(request),
        request.FILES or None,
        instance=IndicatorReport(indicator=indicator),
        indicator=indicator,
        initial=period_initial(request),
    )
    if request.method == "POST" and form.is_valid():
        report, created = services.create_indicator_report(
            indicator,
            by=request.user,
            token=form.cleaned_data["token"],
            **form.model_values(),
            **form.evidence_values(),
        )
        if created:
            messages.success(request, _("Report saved as a draft: submit it when it is complete."))
        else:
            messages.info(request, _("This form had already been sent: the report exists once."))
        return redirect(report)
    context = {
        "project": indicator.project,
        "indicator": indicator,
        "form": form,
        "due_periods": reporting.open_indicator_periods(indicator, today=timezone.localdate()),
    }
    return render(request, "projects/indicator_report_form.html", context)


@login_required
def indicator_report_edit(request, pk):
    report = access.get_indicator_report_for_edit(request.user, pk)
    if not report.is_editable:
        return _refuse_change(request, report)
    indicator = report.indicator
    form = IndicatorReportForm(
        _data(request), request.FILES or None, instance=report, indicator=indicator
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_indicator_report(
                report, by=request.user, **form.model_values(), **form.evidence_values()
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Report saved."))
        return redirect(report)
    context = {"project": indicator.project, "indicator": indicator, "report": report, "form": form}
    return render(request, "projects/indicator_report_form.html", context)


@login_required
@require_POST
def indicator_report_step(request, pk, step):
    report = _report_for_step(
        request.user,
        pk,
        step,
        get=access.get_indicator_report,
        get_for_edit=access.get_indicator_report_for_edit,
    )
    return _take_step(request, report, step, render_detail=_render_indicator_report)


@login_required
@require_safe
def evidence_download(request, pk):
    # Whoever reads the report reads its evidence.
    evidence = get_object_or_404(
        IndicatorEvidence.objects.select_related("report__indicator__project"), pk=pk
    )
    visibility.check_visible(request.user, evidence.report)
    return files.serve(evidence)


# --- Progress reports -----------------------------------------------------------------


def _render_progress_report(request, report: ProgressReport, *, return_form=None):
    context = {
        "report": report,
        "project": report.project,
        "attachments": report.attachments.select_related("uploaded_by"),
        "can_edit": report.is_editable
        and access.can_edit_report(request.user, report, report.project),
        **_review_context(request, report, "projects:progress_report_step", return_form),
    }
    return render(request, "projects/progress_report_detail.html", context)


@login_required
@require_safe
def progress_report_detail(request, pk):
    report = visibility.check_visible(request.user, access.get_progress_report(pk))
    return _render_progress_report(request, report)


@login_required
def progress_report_create(request, pk):
    project = access.get_project_for_edit(request.user, pk)
    initial = period_initial(request)
    if request.GET.get("is_final") == "1":
        # A link to the project's completion report.
        initial["is_final"] = True
    form = ProgressReportCreateForm(
        _data(request), instance=ProgressReport(project=project), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        report, created = services.create_progress_report(
            project, by=request.user, token=form.cleaned_data["token"], **form.model_values()
        )
        if created:
            messages.success(request, _("Report saved as a draft: submit it when it is complete."))
        else:
            messages.info(request, _("This form had already been sent: the report exists once."))
        return redirect(report)
    context = {
        "project": project,
        "form": form,
        "due_periods": reporting.open_periods(project, today=timezone.localdate()),
    }
    return render(request, "projects/progress_report_form.html", context)


@login_required
def progress_report_edit(request, pk):
    report = access.get_progress_report_for_edit(request.user, pk)
    if not report.is_editable:
        return _refuse_change(request, report)
    form = ProgressReportForm(_data(request), instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_progress_report(report, by=request.user, **form.model_values())
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Report saved."))
        return redirect(report)
    context = {"project": report.project, "report": report, "form": form}
    return render(request, "projects/progress_report_form.html", context)


@login_required
@require_POST
def progress_report_step(request, pk, step):
    report = _report_for_step(
        request.user,
        pk,
        step,
        get=access.get_progress_report,
        get_for_edit=access.get_progress_report_for_edit,
    )
    return _take_step(request, report, step, render_detail=_render_progress_report)


@login_required
def report_attachment_upload(request, pk):
    report = access.get_progress_report_for_edit(request.user, pk)
    if not report.is_editable:
        return _refuse_change(request, report)
    form = AttachmentForm(_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_to_progress_report(
                report,
                by=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("File attached."))
        return redirect(report)
    context = {"project": report.project, "report": report, "form": form}
    return render(request, "projects/report_attachment_form.html", context)


@login_required
@require_safe
def report_attachment_download(request, pk):
    # Whoever reads the report reads its files.
    attachment = get_object_or_404(
        ProgressReportAttachment.objects.select_related("report__project"), pk=pk
    )
    visibility.check_visible(request.user, attachment.report)
    return files.serve(attachment)
