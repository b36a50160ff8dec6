"""Reporting workbooks: an office's reports of a quarter, downloaded as a
workbook, filled offline, uploaded whole and submitted together
(`projects.workbooks`). Regional staff act for their office; headquarters
officers choose the office."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from core import spreadsheets
from core.forms import Form
from projects import workbooks
from projects.workbooks import Quarter


class UploadForm(Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy("The workbook downloaded from this page, filled (.xlsx)."),
    )


def _scope(request, data=None):
    """The office and quarter the page is about: the office asked for (403
    for one the person does not act for), else their own; the quarter
    asked for, else the latest with reports due. Also the offices and
    quarters to choose from."""
    workbooks.require_workbook_rights(request.user)
    data = request.GET if data is None else data
    offices = list(workbooks.offices_for(request.user))
    if data.get("office"):
        office = workbooks.get_office(request.user, data["office"])
    elif len(offices) == 1:
        office = offices[0]
    else:
        office = None
    quarters, quarter = [], None
    if office is not None:
        quarters, quarter = workbooks.quarters_due(office, today=timezone.localdate())
        asked = Quarter.parse(data.get("period"))
        if asked is not None:
            quarter = asked
            if asked not in quarters:
                quarters = sorted({*quarters, asked}, reverse=True)
    return {"office": office, "offices": offices, "quarter": quarter, "quarters": quarters}


def _query(scope: dict) -> str:
    return urlencode({"office": scope["office"].pk, "period": scope["quarter"].key})


def _page_url(name: str, scope: dict) -> str:
    return f"{reverse(name)}?{_query(scope)}"


@login_required
@require_safe
def workbook_home(request):
    scope = _scope(request)
    context = {**scope, "form": UploadForm()}
    if scope["office"] is not None:
        drafts = workbooks.office_drafts(scope["office"], scope["quarter"])
        context.update(
            draft_count=len(drafts),
            query=_query(scope),
            size_limit=filesizeformat(settings.UPLOAD_MAX_BYTES),
        )
    return render(request, "projects/workbook_home.html", context)


@login_required
@require_safe
def workbook_template(request):
    scope = _scope(request)
    if scope["office"] is None:
        messages.error(request, _("Choose an office first."))
        return redirect("projects:workbooks")
    office, quarter = scope["office"], scope["quarter"]
    rows = workbooks.workbook_rows(office, quarter, today=timezone.localdate())
    content = workbooks.write_template(rows, office=office, quarter=quarter)
    response = HttpResponse(content, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    stem = f"rapports-{slugify(office.name)}-{quarter.key.lower()}"
    response["Content-Disposition"] = content_disposition_header(
        True, spreadsheets.filename(stem, "xlsx")
    )
    return response


def _imported_message(result: workbooks.WorkbookImported) -> str:
    parts = [
        ngettext(
            "%(count)d draft report created.", "%(count)d draft reports created.", result.created
        )
        % {"count": result.created}
    ]
    if result.updated:
        parts.append(
            ngettext("%(count)d draft changed.", "%(count)d drafts changed.", result.updated)
            % {"count": result.updated}
        )
    if result.unchanged:
        parts.append(
            ngettext(
                "%(count)d draft already held the same values.",
                "%(count)d drafts already held the same values.",
                result.unchanged,
            )
            % {"count": result.unchanged}
        )
    if result.already:
        parts.append(
            ngettext(
                "%(count)d row had already been imported from this workbook: nothing was "
                "created twice.",
                "%(count)d rows had already been imported from this workbook: nothing was "
                "created twice.",
                result.already,
            )
            % {"count": result.already}
        )
    if result.skipped:
        parts.append(
            ngettext(
                "%(count)d empty row skipped.", "%(count)d empty rows skipped.", result.skipped
            )
            % {"count": result.skipped}
        )
    return " ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def workbook_upload(request):
    scope = _scope(request, request.POST if request.method == "POST" else None)
    if scope["office"] is None:
        messages.error(request, _("Choose an office first."))
        return redirect("projects:workbooks")
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    failed = None
    if request.method == "POST" and form.is_valid():
        try:
            result = workbooks.import_workbook(
                form.cleaned_data["file"], office=scope["office"], by=request.user
            )
        except workbooks.WorkbookFailed as error:
            failed = error
            for problem in error.in_file:
                form.add_error("file", problem.message)
        else:
            messages.success(request, _imported_message(result))
            scope["quarter"] = result.quarter or scope["quarter"]
            return redirect(_page_url("projects:workbook_drafts", scope))
    context = {
        **scope,
        "form": form,
        "failed": failed,
        "summary": failed.summary if failed else "",
        "query": _query(scope),
        "size_limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
    }
    return render(request, "projects/workbook_upload.html", context)


def _drafts(request, scope: dict) -> list[tuple]:
    """The office's drafts of the quarter as (report, label, refusal): why
    the person may not submit it, empty where they may."""
    reports = workbooks.office_drafts(scope["office"], scope["quarter"])
    refusals = workbooks.submit_refusals(request.user, reports)
    return [
        (report, workbooks.report_label(report), refusal)
        for report, refusal in zip(reports, refusals, strict=True)
    ]


@login_required
@require_safe
def workbook_drafts(request):
    scope = _scope(request)
    if scope["office"] is None:
        messages.error(request, _("Choose an office first."))
        return redirect("projects:workbooks")
    drafts = _drafts(request, scope)
    context = {
        **scope,
        "drafts": drafts,
        "submittable": sum(1 for _report, _label, refusal in drafts if not refusal),
        "query": _query(scope),
    }
    return render(request, "projects/workbook_drafts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workbook_submit(request):
    """GET: what will be submitted, to confirm; POST: submit it, each report
    through the review workflow, then back to the drafts with what became
    of each."""
    scope = _scope(request, request.POST if request.method == "POST" else None)
    if scope["office"] is None:
        messages.error(request, _("Choose an office first."))
        return redirect("projects:workbooks")
    drafts = _drafts(request, scope)
    if request.method == "GET":
        context = {
            **scope,
            "ready": [
                (report, label, workbooks.draft_key(report))
                for report, label, refusal in drafts
                if not refusal
            ],
            "query": _query(scope),
        }
        return render(request, "projects/workbook_submit.html", context)
    # Only what the confirmation page listed: a draft added since waits.
    confirmed = set(request.POST.getlist("report"))
    chosen = [
        report for report, _label, _refusal in drafts if workbooks.draft_key(report) in confirmed
    ]
    if not chosen:
        messages.error(request, _("No report was chosen: nothing was submitted."))
        return redirect(_page_url("projects:workbook_drafts", scope))
    outcomes = workbooks.submit_all(chosen, by=request.user)
    done = [outcome for outcome in outcomes if outcome.submitted]
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)d report submitted: headquarters will review it.",
                "%(count)d reports submitted: headquarters will review them.",
                len(done),
            )
            % {"count": len(done)},
        )
    for outcome in outcomes:
        if not outcome.submitted:
            messages.error(
                request,
                _("Not submitted: %(report)s. %(reasons)s")
                % {
                    "report": workbooks.report_label(outcome.report),
                    "reasons": " ".join(outcome.problems),
                },
            )
    return redirect(_page_url("projects:workbook_drafts", scope))
