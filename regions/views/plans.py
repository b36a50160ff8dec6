"""Regional plans with their priorities and documents: the list, one plan and
its printable report, creating and editing, and the steps draft → under
review → validated → archived.

Access comes from `regions.access`, every write from `regions.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.security_log import logs_export
from core.files import attach_file, serve
from core.forms import AttachmentForm
from core.lists import filtered_page
from core.versioning import EditConflict
from core.views import posted
from regions import access, exports, services
from regions.filters import PlanFilter
from regions.forms.plans import (
    DUPLICATE_CODE,
    PlanCreateForm,
    PlanEditForm,
    PriorityCreateForm,
    PriorityEditForm,
    ValidatePlanForm,
    model_fields,
)
from regions.models import PlanDocument, RegionalPlan
from reviews import visibility
from reviews.forms import ReturnForm

PLANS_PER_PAGE = 25
Status = RegionalPlan.Status


def _plans_with_totals():
    # The region joined and, per plan, its number of priorities and their
    # estimated cost, summed by the database. GROUP BY drops the model's default
    # ordering, so it is named here.
    return (
        RegionalPlan.objects.for_list()
        .annotate(
            priority_count=Count("priorities"),
            estimated_cost=Sum("priorities__estimated_cost_usd"),
        )
        .order_by("-period_start", "region__name_fr", "pk")
    )


def _not_editable(request, plan: RegionalPlan):
    messages.error(request, _("A validated or archived plan can no longer be edited."))
    return redirect(plan)


def _with_version(request, version: int):
    """The posted form again, as if opened at `version`: saving it re-applies
    the person's values over what the other person saved."""
    data = request.POST.copy()
    data["version"] = version
    return data


def _conflict(request, template: str, form, conflict: EditConflict, **context):
    """The edit form again (409), with what the other person changed."""
    context.update(form=form, conflict=conflict)
    return render(request, template, context, status=409)


# --- Reading ---------------------------------------------------------------------


def _filters(request) -> PlanFilter:
    """The list's filters over the plans the user may read (`reviews.visibility`)."""
    plans = visibility.visible(_plans_with_totals(), request.user)
    return PlanFilter(request.GET, queryset=plans)


def _filtered(request):
    """The plans the list shows, all of them: none with an invalid filter,
    rather than rows the person did not ask for (as `filtered_page`)."""
    filterset = _filters(request)
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


@login_required
@require_safe
def plan_list(request):
    listing = filtered_page(request, _filters(request), per_page=PLANS_PER_PAGE)
    context = {
        **listing,
        "can_create": access.editable_regions(request.user).exists(),
    }
    return render(request, "regions/plan_list.html", context)


# The plans list's rows as files, and the updates of those plans (the list
# has no page of its own for them): the same filters, the same readers.


@login_required
@require_safe
@logs_export("plans_csv")
def plan_export_csv(request):
    return exports.plans_csv(_filtered(request))


@login_required
@require_safe
@logs_export("plans_xlsx")
def plan_export_xlsx(request):
    return exports.plans_xlsx(_filtered(request))


@login_required
@require_safe
@logs_export("plan_updates_csv")
def update_export_csv(request):
    return exports.updates_csv(exports.updates_of(_filtered(request), request.user))


@login_required
@require_safe
@logs_export("plan_updates_xlsx")
def update_export_xlsx(request):
    return exports.updates_xlsx(exports.updates_of(_filtered(request), request.user))


@login_required
@require_safe
def document_download(request, pk):
    # Whoever reads the plan reads its documents.
    document = get_object_or_404(PlanDocument.objects.select_related("plan"), pk=pk)
    visibility.check_visible(request.user, document.plan)
    return serve(document)


# --- Plans and priorities --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    if not access.editable_regions(request.user).exists():
        raise PermissionDenied
    form = PlanCreateForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        plan, created = services.create_plan(
            by=request.user, token=form.cleaned_data["token"], **model_fields(form)
        )
        if created:
            messages.success(request, _("The plan was created as a draft."))
        else:
            messages.info(request, _("This form had already been sent: the plan exists once."))
        return redirect(plan)
    return render(request, "regions/plan_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = access.get_plan_for_edit(request.user, pk)
    if not plan.is_editable:
        return _not_editable(request, plan)
    form = PlanEditForm(
        posted(request), instance=plan, user=request.user, initial={"version": plan.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_plan(
                plan, by=request.user, version=form.cleaned_data["version"], **model_fields(form)
            )
        except EditConflict as conflict:
            current = access.get_plan(pk)
            retry = PlanEditForm(
                _with_version(request, current.version), instance=current, user=request.user
            )
            return _conflict(request, "regions/plan_form.html", retry, conflict, plan=current)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(plan)
        messages.success(request, _("The plan was saved."))
        return redirect(plan)
    return render(request, "regions/plan_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def priority_create(request, pk):
    plan = access.get_plan_for_edit(request.user, pk)
    if not plan.is_editable:
        return _not_editable(request, plan)
    form = PriorityCreateForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_priority(
                plan, by=request.user, token=form.cleaned_data["token"], **model_fields(form)
            )[1]
        except IntegrityError:
            # Another person added the same code since the form was checked.
            form.add_error("code", DUPLICATE_CODE)
        else:
            if created:
                messages.success(request, _("The priority was added."))
            else:
                messages.info(
                    request, _("This form had already been sent: the priority exists once.")
                )
            return redirect(plan)
    return render(request, "regions/priority_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(request, pk):
    priority = access.get_priority_for_edit(request.user, pk)
    plan = priority.plan
    if not plan.is_editable:
        return _not_editable(request, plan)
    form = PriorityEditForm(
        posted(request), instance=priority, plan=plan, initial={"version": priority.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_priority(
                priority,
                by=request.user,
                version=form.cleaned_data["version"],
                **model_fields(form),
            )
        except EditConflict as conflict:
            current = access.get_priority_for_edit(request.user, pk)
            retry = PriorityEditForm(
                _with_version(request, current.version), instance=current, plan=plan
            )
            context = {"plan": plan, "priority": current}
            return _conflict(request, "regions/priority_form.html", retry, conflict, **context)
        except IntegrityError:
            form.add_error("code", DUPLICATE_CODE)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(plan)
        else:
            messages.success(request, _("The priority was saved."))
            return redirect(plan)
    context = {"form": form, "plan": plan, "priority": priority}
    return render(request, "regions/priority_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, pk):
    plan = access.get_plan_for_edit(request.user, pk)
    if not plan.is_editable:
        return _not_editable(request, plan)
    form = AttachmentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        attach_file(
            PlanDocument,
            by=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            plan=plan,
        )
        messages.success(request, _("The document was added."))
        return redirect(plan)
    return render(request, "regions/document_form.html", {"form": form, "plan": plan})


# --- Workflow ----------------------------------------------------------------------


def _step(request, plan: RegionalPlan, service, **page):
    """GET: ask for confirmation. POST: take the step, or say why it cannot be taken."""
    if request.method == "POST":
        try:
            service(plan, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, page["done"])
        return redirect(plan)
    return render(request, "regions/plan_confirm.html", {"plan": plan, **page})


@login_required
@require_http_methods(["GET", "POST"])
def plan_send_for_review(request, pk):
    plan = access.get_plan_for_edit(request.user, pk)
    return _step(
        request,
        plan,
        services.send_plan_for_review,
        heading=gettext_lazy("Send the plan for review"),
        explanation=gettext_lazy(
            "Headquarters will review the plan, then validate it or return it to draft."
        ),
        button=gettext_lazy("Send for review"),
        done=gettext_lazy("The plan was sent for review."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_back_to_draft(request, pk):
    """Headquarters returns the plan to its office, saying what must change."""
    plan = access.get_plan_for_decision(request.user, pk)
    form = ReturnForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.return_plan_to_draft(plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan is back in draft."))
            return redirect(plan)
    context = {
        "plan": plan,
        "form": form,
        "heading": _("Return the plan to draft"),
        "explanation": _(
            "The regional office can then change the plan and send it for review again; "
            "it reads your comment on the plan's page and by e-mail."
        ),
        "button": _("Return to draft"),
    }
    return render(request, "regions/plan_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_archive(request, pk):
    plan = access.get_plan_for_decision(request.user, pk)
    return _step(
        request,
        plan,
        services.archive_plan,
        heading=gettext_lazy("Archive the plan"),
        explanation=gettext_lazy(
            "An archived plan is kept for reference: it can no longer be changed or reported on."
        ),
        button=gettext_lazy("Archive"),
        button_class="btn--danger",
        done=gettext_lazy("The plan was archived."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_validate(request, pk):
    plan = access.get_plan_for_decision(request.user, pk)
    form = ValidatePlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.validate_plan(plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was validated."))
            return redirect(plan)
    context = {
        "plan": plan,
        "form": form,
        "heading": _("Validate the plan"),
        "explanation": _(
            "Record when and by which authority the plan was validated. A validated plan "
            "can no longer be changed; the regional office then reports on it."
        ),
        "button": _("Validate"),
    }
    return render(request, "regions/plan_confirm.html", context)
