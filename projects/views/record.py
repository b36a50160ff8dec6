"""The project record: one project's page, creating and editing it, its
budget, its status steps and its documents.

Access comes from `projects.access`, every write from `projects.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import access as accounts_access
from core import render_cache
from core.files import attach_file, serve
from core.forms import AttachmentForm, show_errors
from core.history import history_of
from core.periods import DueState
from core.versioning import EditConflict
from core.views import posted
from projects import access, reporting, services
from projects.due_links import rows_for
from projects.forms.record import (
    STEP_LABELS,
    BudgetForm,
    ProjectCreateForm,
    ProjectEditForm,
    ProjectForm,
    StatusForm,
    model_fields,
)
from projects.models import Project, ProjectDocument, StatusChange
from projects.views.money import money_summary
from regions import access as region_access
from reviews import views as review_views
from reviews import visibility

# A due report still awaited from the office: neither submitted nor approved.
AWAITED = (DueState.UPCOMING, DueState.DUE, DueState.OVERDUE)


def _with_version(request, version: int):
    """The posted form again, as if opened at `version`: saving it re-applies
    the person's values over what the other person saved."""
    data = request.POST.copy()
    data["version"] = version
    return data


# The fields a status step changes that the status timeline already tells
# (which step, by whom, when): left out of the history of changes beside it.
STATUS_FIELDS = ("status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at")


def _history_of(project: Project, *, without_status: bool = False):
    """Changes to the project, newest first, "field: old → new" (one query:
    the related rows each change names are joined). `without_status`: the
    status steps left out, for a page that shows its status timeline."""
    records = project.history.select_related(
        "history_user",
        "region",
        "priority",
        "mechanism",
        "window__mechanism",
        "implementing_partner",
        "focal_point",
    )
    return history_of(Project, records, excluded_fields=STATUS_FIELDS if without_status else ())


def _status_steps(user, project: Project) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The status steps `user` may take on `project` now, and those they
    decide that still lack something (each label with what it lacks): what
    the status page offers, and so whether the project's page links to it."""
    steps = services.available_moves(user, project)
    moves = [step for step, lacking in steps.items() if not lacking]
    blocked = [(STEP_LABELS[step], lacking) for step, lacking in steps.items() if lacking]
    return moves, blocked


# --- Reading ---------------------------------------------------------------------


@login_required
@require_safe
def project_detail(request, pk):
    user = request.user
    # The project for its title, access check and the person's steps (with
    # the mechanism, window and partner the rules of a step read); the
    # sections read it again with what they show, when not kept.
    project = visibility.check_visible(
        user,
        get_object_or_404(
            Project.objects.select_related(
                "submitted_by", "mechanism", "window__mechanism", "implementing_partner"
            ),
            pk=pk,
        ),
    )
    can_edit = access.can_edit_project(user, project)
    # Who may take a step depends on the person (the four-eyes rule): decided
    # here, outside the sections kept for everyone alike. The status page is
    # linked only when it lets the person take a step.
    moves, blocked = _status_steps(user, project)
    context = {
        "project": project,
        "can_edit": can_edit,
        "can_edit_money": can_edit or access.can_edit_money(user, project),
        "moves": moves,
        "blocked_steps": blocked,
        # Why it was returned, above the kept sections (none for partners).
        "return_event": review_views.return_event(user, project),
        "sections": render_cache.section(
            "project",
            "projects/_project_sections.html",
            lambda: _sections_context(access.get_project(pk), user, can_edit=can_edit),
            project.pk,
            accounts_access.audience(user),
        ),
    }
    return render(request, "projects/project_detail.html", context)


def _sections_context(project: Project, user, *, can_edit: bool) -> dict:
    """What the sections of the project's page show `user`: the same for
    everyone of their audience (`accounts.access.audience`)."""
    sees_timeline = accounts_access.sees_review_comments(user)
    due_rows = _due_rows(project, user)
    return {
        "project": project,
        "cercles": project.cercles.all(),
        "sees_status_timeline": sees_timeline,
        "status_changes": (
            project.status_changes.select_related("by")
            if sees_timeline
            else StatusChange.objects.none()
        ),
        # locations, indicators, progress reports
        **services.project_results(project, user),
        "reached": Project.objects.filter(pk=project.pk).beneficiaries_reached(),
        "documents": project.documents.select_related("uploaded_by"),
        # The status steps are in the timeline beside it, for those who read it.
        "history": _history_of(project, without_status=sees_timeline),
        # Its money: totals and the proposed tranche, then each list in one query.
        "money": money_summary(project),
        "approvals": project.funding_approvals.select_related("contribution__donor"),
        "tranches": project.tranches.select_related("step"),
        "expenditures": project.expenditures.all(),
        "can_record_funding": access.can_record_funding(user, project),
        "can_edit": can_edit,
        "can_edit_money": can_edit or access.can_edit_money(user, project),
        "show_coordinates": access.can_see_exact_coordinates(user),
        "sees_due_reports": accounts_access.sees_due_reports(user),
        "due_rows": due_rows,
        "next_due": _next_due(due_rows),
    }


def _due_rows(project: Project, user) -> list:
    """The reports the project owes by today, in every state (internal: none
    for partners and viewers). The section is kept for the day only."""
    if not accounts_access.sees_due_reports(user):
        return []
    return rows_for(user, reporting.due_reports([project], today=timezone.localdate()))


def _next_due(due_rows: list):
    """Of the project's due reports, the first (by due date) still awaited
    from its office: not yet sent to headquarters; None when none is."""
    return next((row for row in due_rows if row.due.state in AWAITED), None)


@login_required
@require_safe
def document_download(request, pk):
    # Whoever reads the project reads its documents.
    document = get_object_or_404(ProjectDocument.objects.select_related("project"), pk=pk)
    visibility.check_visible(request.user, document.project)
    return serve(document)


@login_required
@require_safe
def region_choices(request):
    """The cercle and priority fields for the region chosen (htmx)."""
    form = ProjectForm(user=request.user, initial={"region": request.GET.get("region")})
    return render(request, "projects/_region_fields.html", {"form": form})


# --- Creating and editing -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    if not region_access.editable_regions(request.user).exists():
        raise PermissionDenied
    form = ProjectCreateForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project, created = services.create_project(
                by=request.user,
                token=form.cleaned_data["token"],
                cercles=form.cleaned_data["cercles"],
                **model_fields(form),
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("The project %(code)s was created in the pipeline.") % {"code": project.code},
                )
            else:
                messages.info(
                    request, _("This form had already been sent: the project exists once.")
                )
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = access.get_project_for_edit(request.user, pk)
    form = ProjectEditForm(
        posted(request), instance=project, user=request.user, initial={"version": project.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The posted values go as keywords; `project` only names the
            # project, as is_valid() has copied those values onto it.
            services.edit_project(
                project,
                by=request.user,
                version=form.cleaned_data["version"],
                cercles=form.cleaned_data["cercles"],
                **model_fields(form),
            )
        except EditConflict as conflict:
            current = access.get_project(pk)
            retry = ProjectEditForm(
                _with_version(request, current.version), instance=current, user=request.user
            )
            context = {"form": retry, "project": current, "conflict": conflict}
            return render(request, "projects/project_form.html", context, status=409)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def project_budget(request, pk):
    project = access.get_project_for_money(request.user, pk)
    form = BudgetForm(posted(request), instance=project, initial={"version": project.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_project(
                project,
                by=request.user,
                version=form.cleaned_data["version"],
                **model_fields(form),
            )
        except EditConflict as conflict:
            current = access.get_project(pk)
            retry = BudgetForm(_with_version(request, current.version), instance=current)
            context = {"form": retry, "project": current, "conflict": conflict}
            return render(request, "projects/budget_form.html", context, status=409)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The budget was saved."))
            return redirect(project)
    return render(request, "projects/budget_form.html", {"form": form, "project": project})


# --- Status and documents -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_status(request, pk):
    """GET: the steps the user may take now, to confirm, and those they decide
    but that still lack something, with what. POST: take one, or say why it
    cannot be taken (nothing changes then)."""
    project = access.get_project(pk)
    user = request.user
    if not (accounts_access.can_review(user) or access.can_edit_project(user, project)):
        raise PermissionDenied
    moves, blocked = _status_steps(user, project)
    form = StatusForm(posted(request), moves=moves)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.move(project, by=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The project is now %(status)s.") % {"status": moved.get_status_display()},
            )
            return redirect(project)
    context = {"form": form, "project": project, "moves": moves, "blocked": blocked}
    return render(request, "projects/status_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, pk):
    project = access.get_project_for_edit(request.user, pk)
    form = AttachmentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        attach_file(
            ProjectDocument,
            by=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            project=project,
        )
        messages.success(request, _("The document was added."))
        return redirect(project)
    return render(request, "projects/document_form.html", {"form": form, "project": project})
