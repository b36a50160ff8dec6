"""The reporting-compliance page for headquarters: how punctually each office
sent the reports it owed, by office and by quarter, with the same figures as
CSV and XLSX (`portfolio.reporting.compliance`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import access
from accounts.security_log import logs_export
from portfolio import exports, reporting


def _filter(request) -> reporting.ComplianceFilter:
    """The filter asked for, if `request.user` may read the page (else 403)."""
    if not access.sees_reporting_compliance(request.user):
        raise PermissionDenied
    return reporting.ComplianceFilter(request.GET or None, today=timezone.localdate())


@login_required
@require_safe
def compliance(request):
    form = _filter(request)
    figures = selection = None
    if form.is_valid() or not form.is_bound:
        selection = form.selection()
        figures = reporting.compliance(today=form.today, **selection)
    context = {
        "form": form,
        "figures": figures,
        "selection": selection,
        "querystring": request.GET.urlencode(),
    }
    return render(request, "portfolio/compliance.html", context)


def _export(request, write):
    form = _filter(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("The filters are not valid: correct them on the page."))
    selection = form.selection()
    return write(reporting.compliance(today=form.today, **selection), selection)


@login_required
@require_safe
@logs_export("compliance_csv")
def compliance_csv(request):
    return _export(request, exports.compliance_csv)


@login_required
@require_safe
@logs_export("compliance_xlsx")
def compliance_xlsx(request):
    return _export(request, exports.compliance_xlsx)
