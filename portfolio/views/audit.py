"""Who changed what, across every record kept in history (`portfolio.audit`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.security_log import logs_export
from portfolio import audit, exports


def _criteria(form: audit.AuditFilter) -> audit.Criteria | None:
    """What the filters ask for; None when they are not valid (no rows)."""
    if not form.is_bound:
        return audit.Criteria()
    return audit.Criteria.from_form(form) if form.is_valid() else None


def _every_change(request):
    """Every entry the page's filters select, over all its pages: none with
    invalid filters, as the page shows none."""
    if not audit.can_read(request.user):
        raise PermissionDenied
    criteria = _criteria(audit.AuditFilter(request.GET or None))
    return iter(()) if criteria is None else audit.all_changes(criteria)


@login_required
@require_safe
def audit_log(request):
    """Who changed what, across every record kept in history: for
    administrators (staff superusers)."""
    if not audit.can_read(request.user):
        raise PermissionDenied
    form = audit.AuditFilter(request.GET or None)
    criteria = _criteria(form)
    if criteria is None:
        page_obj, entries = None, []
    else:
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


@login_required
@require_safe
@logs_export("audit_csv")
def audit_csv(request):
    return exports.audit_csv(_every_change(request))


@login_required
@require_safe
@logs_export("audit_xlsx")
def audit_xlsx(request):
    return exports.audit_xlsx(_every_change(request))
