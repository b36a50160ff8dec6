"""Pages of plan updates: create and edit them with their progress on each
priority, attach files, and move them through the review workflow.

Refusals follow one rule: who may act is enforced with 403 (regions.access
and the review services); what the update's state no longer allows (it is
submitted or approved) is a message and a redirect to the update."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core import files
from core.forms import AttachmentForm
from core.views import period_initial
from regions import access, reporting, services
from regions.forms.updates import PlanUpdateCreateForm, PlanUpdateForm, ProgressForm
from regions.models import PlanUpdate, PlanUpdateAttachment, RegionalPlan
from reviews import views as review_views
from reviews import visibility


def _data(request):
    return request.POST if request.method == "POST" else None


def _error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _refuse_change(request, update: PlanUpdate):
    if update.is_locked:
        messages.error(request, _("This update is approved: it is read-only."))
    else:
        messages.error(request, _("This update awaits review: it can change only if returned."))
    return redirect(update)


def _render_detail(request, update: PlanUpdate, *, return_form=None):
    user = request.user
    context = {
        "update": update,
        "progress": update.progress.select_related("priority"),
        "attachments": update.attachments.select_related("uploaded_by"),
        "can_edit": update.is_editable and access.can_edit_update(user, update),
        **review_views.review_context(
            request,
            update,
            approve_url=reverse("regions:update_approve", args=[update.pk]),
            return_url=reverse("regions:update_return", args=[update.pk]),
            return_form=return_form,
        ),
    }
    return render(request, "regions/update_detail.html", context)


@login_required
@require_safe
def update_detail(request, pk):
    return _render_detail(request, visibility.check_visible(request.user, access.get_update(pk)))


@login_required
def update_create(request, pk):
    plan = access.get_plan_for_edit(request.user, pk)
    if plan.status != RegionalPlan.Status.VALIDATED:
        messages.error(request, _("Updates are reported on validated plans only."))
        return redirect(plan)
    form = PlanUpdateCreateForm(
        _data(request), instance=PlanUpdate(plan=plan), initial=period_initial(request)
    )
    progress_form = ProgressForm(_data(request), priorities=list(plan.priorities.all()))
    if request.method == "POST" and all([form.is_valid(), progress_form.is_valid()]):
        update, created = services.create_update(
            plan,
            by=request.user,
            token=form.cleaned_data["token"],
            progress=progress_form.progress(),
            **form.update_fields(),
        )
        if created:
            messages.success(request, _("Update saved as a draft: submit it when it is complete."))
        else:
            messages.info(request, _("This form had already been sent: the update exists once."))
        return redirect(update)
    context = {
        "plan": plan,
        "form": form,
        "progress_form": progress_form,
        "due_periods": reporting.open_periods(plan, today=timezone.localdate()),
    }
    return render(request, "regions/update_form.html", context)


@login_required
def update_edit(request, pk):
    update = access.get_update_for_edit(request.user, pk)
    if not update.is_editable:
        return _refuse_change(request, update)
    form = PlanUpdateForm(_data(request), instance=update)
    progress_form = ProgressForm(
        _data(request),
        priorities=list(update.plan.priorities.all()),
        rows=update.progress.all(),
    )
    if request.method == "POST" and all([form.is_valid(), progress_form.is_valid()]):
        try:
            services.edit_update(
                update, by=request.user, progress=progress_form.progress(), **form.update_fields()
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Update saved."))
        return redirect(update)
    context = {"plan": update.plan, "update": update, "form": form, "progress_form": progress_form}
    return render(request, "regions/update_form.html", context)


# What each step says once taken.
DONE = {
    "submit": gettext_lazy("Update submitted: headquarters will review it."),
    "approve": gettext_lazy("Update approved: the submitter has been told."),
    "return": gettext_lazy("Update returned: the submitter has been told what to change."),
}


def _step(request, update: PlanUpdate, step: str):
    return review_views.take_step(request, update, step, render_detail=_render_detail, done=DONE)


@login_required
@require_POST
def update_submit(request, pk):
    update = access.get_update_for_edit(request.user, pk)
    return review_views.take_step(
        request, update, "submit", render_detail=_render_detail, done=DONE
    )


@login_required
@require_POST
def update_approve(request, pk):
    update = access.get_update_for_review(request.user, pk)
    return _step(request, update, "approve")


@login_required
@require_POST
def update_return(request, pk):
    update = access.get_update_for_review(request.user, pk)
    return review_views.take_step(
        request, update, "return", render_detail=_render_detail, done=DONE
    )


@login_required
def attachment_upload(request, pk):
    update = access.get_update_for_edit(request.user, pk)
    if not update.is_editable:
        return _refuse_change(request, update)
    form = AttachmentForm(_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_to_update(
                update,
                by=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            _error(request, error)
            return redirect(update)
        messages.success(request, _("File attached."))
        return redirect(update)
    return render(request, "regions/attachment_form.html", {"update": update, "form": form})


@login_required
@require_safe
def attachment_download(request, pk):
    # Whoever reads the update reads its files.
    attachment = get_object_or_404(
        PlanUpdateAttachment.objects.select_related("update__plan"), pk=pk
    )
    visibility.check_visible(request.user, attachment.update)
    return files.serve(attachment)
