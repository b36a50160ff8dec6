"""Who changed what, across every record kept in history (`portfolio.audit`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portfolio import audit


@login_required
@require_safe
def audit_log(request):
    """Who changed what, across every record kept in history: for
    administrators (staff superusers)."""
    if not audit.can_read(request.user):
        raise PermissionDenied
    form = audit.AuditFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        page_obj, entries = None, []
    else:
        criteria = audit.Criteria.from_form(form) if form.is_bound else audit.Criteria()
        page_obj, entries = audit.changes_page(criteria, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "entries": entries,
        "querystring": query.urlencode(),
    }
    return render(request, "portfolio/audit.html", context)
