"""Coordination bodies: one body with its members, meetings and decisions;
creating and editing bodies; adding members and ending memberships.

Access comes from `coordination.access`, member changes from
`coordination.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from coordination import access, services
from coordination.forms.bodies import BodyForm, EndMembershipForm, MemberForm
from coordination.models import CoordinationBody, Decision, Membership
from core.views import posted

MEETINGS_SHOWN = 10
DECISIONS_SHOWN = 25
DUPLICATE_BODY = gettext_lazy("A coordination body with this name already exists.")


def _members_by_role(body: CoordinationBody) -> list[tuple[str, list[Membership]]]:
    """(role label, memberships) in the order of the roles, current members
    first in each role, then past ones; roles without anybody are left out."""
    groups: dict[str, list[Membership]] = {role: [] for role in Membership.Role.values}
    for membership in body.memberships.select_related("organisation"):
        groups[membership.role].append(membership)
    return [
        (Membership.Role(role).label, sorted(rows, key=lambda row: not row.is_current))
        for role, rows in groups.items()
        if rows
    ]


def _decisions_of(body: CoordinationBody):
    pending_first = Case(
        When(status__in=[Decision.Status.OPEN, Decision.Status.IN_PROGRESS], then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Decision.objects.filter(meeting__body=body)
        .select_related("meeting__body", "owner_organisation", "owner_user")
        .order_by(pending_first, "due_date", "pk")
    )


@login_required
@require_safe
def body_detail(request, pk):
    body = get_object_or_404(CoordinationBody.objects.select_related("region"), pk=pk)
    context = {
        "body": body,
        "members_by_role": _members_by_role(body),
        "meetings": body.meetings.order_by("-starts_at")[:MEETINGS_SHOWN],
        "decisions": _decisions_of(body)[:DECISIONS_SHOWN],
        "can_manage": access.can_manage_body(request.user, body),
    }
    return render(request, "coordination/body_detail.html", context)


def _save(request, form: BodyForm) -> CoordinationBody | None:
    body = form.save(commit=False)
    body._history_user = request.user
    try:
        with transaction.atomic():
            body.save()
    except IntegrityError:
        # Somebody saved a body of the same name since the form was checked.
        form.add_error("name", DUPLICATE_BODY)
        return None
    return body


@login_required
@require_http_methods(["GET", "POST"])
def body_create(request):
    if not access.can_create_bodies(request.user):
        raise PermissionDenied
    form = BodyForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        body = _save(request, form)
        if body:
            messages.success(request, _("The coordination body was created."))
            return redirect(body)
    return render(request, "coordination/body_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def body_edit(request, pk):
    body = access.get_body_for_manage(request.user, pk)
    saved_name = body.display_name
    form = BodyForm(posted(request), instance=body, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved:
            messages.success(request, _("The coordination body was saved."))
            return redirect(saved)
    context = {"form": form, "body": body, "saved_name": saved_name}
    return render(request, "coordination/body_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, pk):
    body = access.get_body_for_manage(request.user, pk)
    form = MemberForm(posted(request), body=body)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(body, by=request.user, **form.cleaned_data)
        except (ValidationError, IntegrityError):
            # Somebody added the organisation since the form was checked.
            form.add_error("organisation", _("This organisation is already a member of this body."))
        else:
            messages.success(request, _("The member was added."))
            return redirect(body)
    return render(request, "coordination/member_form.html", {"form": form, "body": body})


@login_required
@require_http_methods(["GET", "POST"])
def member_end(request, pk):
    membership = access.get_membership_for_manage(request.user, pk)
    body = membership.body
    if membership.end_date is not None:
        messages.info(request, _("This membership has already ended."))
        return redirect(body)
    form = EndMembershipForm(posted(request), membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(
                membership, by=request.user, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as error:
            form.add_error("end_date", error)
        else:
            messages.success(request, _("The membership was ended."))
            return redirect(body)
    context = {"form": form, "membership": membership, "body": body}
    return render(request, "coordination/member_confirm.html", context)
