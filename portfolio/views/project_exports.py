"""The project list as CSV and XLSX, with what funding approved, transferred
and spent for each project: the money is funding's, above the projects app,
so the files are the read layer's, at the list's addresses (`projects:export_csv`,
`projects:export_xlsx`, mounted by `minusma_sr/urls.py`). The rows are the
list's, for its filters and its reader (`projects.exports.requested`)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from accounts.security_log import logs_export
from portfolio import exports
from projects.exports import requested


@login_required
@require_safe
@logs_export("projects_csv")
def export_csv(request):
    return exports.projects_csv(requested(request))


@login_required
@require_safe
@logs_export("projects_xlsx")
def export_xlsx(request):
    return exports.projects_xlsx(requested(request))
