"""Organisations (technical and financial partners and others): the list, one
organisation with the bodies it sits on and the meetings it attended, and
creating and editing them (headquarters only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.security_log import logs_export
from coordination import access, exports
from coordination.filters import OrganisationFilter
from coordination.forms.organisations import OrganisationForm
from coordination.models import Organisation
from core.lists import filtered_page
from core.views import posted

ORGANISATIONS_PER_PAGE = 25
MEETINGS_SHOWN = 20
DECISIONS_SHOWN = 20
RELATED_SHOWN = 20


def _related(organisation: Organisation, name: str, *joined: str):
    # Projects (implementing partner) and contributions (donor) are the reverse
    # sides of models of the projects and funding apps, above this one: list
    # them once those models exist, and until then the page leaves them out.
    if hasattr(Organisation, name):
        rows = getattr(organisation, name).all()
        # Not select_related() without names: that would join every relation.
        return (rows.select_related(*joined) if joined else rows)[:RELATED_SHOWN]
    return None


def _filters(request) -> OrganisationFilter:
    organisations = Organisation.objects.annotate(
        body_count=Count("memberships", filter=Q(memberships__end_date__isnull=True))
    ).order_by("name", "pk")
    return OrganisationFilter(request.GET, queryset=organisations)


def _filtered(request):
    """Every row the list shows, none with an invalid filter (as `filtered_page`)."""
    filterset = _filters(request)
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


@login_required
@require_safe
def organisation_list(request):
    listing = filtered_page(request, _filters(request), per_page=ORGANISATIONS_PER_PAGE)
    context = {
        **listing,
        "can_create": access.can_manage_organisations(request.user),
    }
    return render(request, "coordination/organisation_list.html", context)


@login_required
@require_safe
@logs_export("organisations_csv")
def organisation_export_csv(request):
    return exports.organisations_csv(_filtered(request))


@login_required
@require_safe
@logs_export("organisations_xlsx")
def organisation_export_xlsx(request):
    return exports.organisations_xlsx(_filtered(request))


@login_required
@require_safe
def organisation_detail(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    memberships = organisation.memberships.select_related("body__region").order_by(
        F("end_date").desc(nulls_first=True), "body__name"
    )
    meetings = organisation.meetings.select_related("body").order_by("-starts_at")
    decisions = (
        organisation.decisions.pending()
        .select_related("meeting__body", "owner_organisation", "owner_user")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "meetings": meetings[:MEETINGS_SHOWN],
        "decisions": decisions[:DECISIONS_SHOWN],
        "projects": _related(organisation, "projects"),
        "contributions": _related(organisation, "contributions", "mechanism"),
        "can_edit": access.can_manage_organisations(request.user),
    }
    return render(request, "coordination/organisation_detail.html", context)


def _save(request, form: OrganisationForm) -> Organisation | None:
    organisation = form.save(commit=False)
    organisation._history_user = request.user
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Somebody saved the same name or acronym since the form was checked.
        form.duplicate_error()
        return None
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    if not access.can_manage_organisations(request.user):
        raise PermissionDenied
    form = OrganisationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        organisation = _save(request, form)
        if organisation:
            messages.success(request, _("The organisation was created."))
            return redirect(organisation)
    return render(request, "coordination/organisation_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = access.get_organisation_for_edit(request.user, pk)
    # The name as saved, for the page's title: validation writes the posted
    # values onto the instance.
    saved_name = organisation.label
    form = OrganisationForm(posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved:
            messages.success(request, _("The organisation was saved."))
            return redirect(saved)
    context = {"form": form, "organisation": organisation, "saved_name": saved_name}
    return render(request, "coordination/organisation_form.html", context)
