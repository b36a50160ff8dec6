"""Importing contributions and exchange rates from a spreadsheet: the upload
page with the columns it expects, and a template file with their headers.
A file is imported whole or not at all (`funding.imports`)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from core import spreadsheets
from funding import imports
from funding.access import require_money_rights
from funding.forms import ImportForm

TEMPLATE = "funding/import_form.html"


def _import_page(request, *, columns, run, done, context: dict):
    """The upload form; a POSTed file imported whole by `run`, then `done`
    with what was imported, or the page again with every problem."""
    require_money_rights(request.user)
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    failed = None
    if posted and form.is_valid():
        try:
            imported = run(form.cleaned_data["file"], by=request.user)
        except imports.ImportFailed as error:
            failed = error
            for problem in error.in_file:
                form.add_error("file", problem.message)
        else:
            return done(imported)
    context = {
        **context,
        "form": form,
        "expected": [(column.header, column.required, column.description) for column in columns],
        "size_limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
        "failed": failed,
        "summary": failed.summary if failed else "",
    }
    return render(request, TEMPLATE, context)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_import(request):
    def done(imported: imports.Imported):
        message = ngettext(
            "%(count)d contribution imported.",
            "%(count)d contributions imported.",
            imported.written,
        ) % {"count": imported.written}
        if imported.skipped:
            message += " " + ngettext(
                "%(count)d was already recorded with the same values.",
                "%(count)d were already recorded with the same values.",
                imported.skipped,
            ) % {"count": imported.skipped}
        messages.success(request, message)
        return redirect("funding:contribution_list")

    return _import_page(
        request,
        columns=imports.CONTRIBUTION_COLUMNS,
        run=imports.import_contributions,
        done=done,
        context={
            "title": _("Import contributions"),
            "list_url": "funding:contribution_list",
            "list_title": _("Contributions"),
            "template_url": "funding:contribution_import_template",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate_import(request):
    def done(imported: imports.Imported):
        message = ngettext(
            "%(count)d exchange rate imported.",
            "%(count)d exchange rates imported.",
            imported.written,
        ) % {"count": imported.written}
        if imported.skipped:
            message += " " + ngettext(
                "%(count)d was already recorded with the same value.",
                "%(count)d were already recorded with the same values.",
                imported.skipped,
            ) % {"count": imported.skipped}
        messages.success(request, message)
        return redirect("funding:rate_list")

    return _import_page(
        request,
        columns=imports.RATE_COLUMNS,
        run=imports.import_rates,
        done=done,
        context={
            "title": _("Import exchange rates"),
            "list_url": "funding:rate_list",
            "list_title": _("Exchange rates"),
            "template_url": "funding:rate_import_template",
        },
    )


def _template_file(columns, *, stem: str, title: str):
    # Headers only: an example row left in by mistake would be imported.
    return spreadsheets.xlsx_response(
        [(column.header, None) for column in columns], [], stem=stem, title=title
    )


@login_required
@require_safe
def contribution_template(request):
    require_money_rights(request.user)
    return _template_file(
        imports.CONTRIBUTION_COLUMNS, stem="modele-contributions", title=_("Contributions")
    )


@login_required
@require_safe
def rate_template(request):
    require_money_rights(request.user)
    return _template_file(
        imports.RATE_COLUMNS, stem="modele-taux-de-change", title=_("Exchange rates")
    )
