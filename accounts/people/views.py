"""The pages of people management, under /accounts/people/, and the page of
an invitation's link, where the invitee chooses their password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import BadHeaderError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import access
from accounts.models import User
from accounts.people import queries, services
from accounts.people.filters import PeopleFilter
from accounts.people.forms import InvitationForm, InvitationPasswordForm, PersonForm
from accounts.people.tokens import invitation_tokens
from accounts.security_log import log_event
from core.lists import filtered_page
from core.text import elide
from core.views import posted

PEOPLE_PER_PAGE = 50


def _manager(request) -> User:
    if not access.can_manage_people(request.user):
        raise PermissionDenied
    return request.user


def _person(request, pk: int, *, to_change: bool = False) -> User:
    _manager(request)
    person = get_object_or_404(queries.people(), pk=pk)
    if to_change and not access.can_change_person(request.user, person):
        raise PermissionDenied
    return person


def _labelled(person: User) -> User:
    person.role_label = queries.role_label(person.role_value)
    return person


@login_required
@require_safe
def person_list(request):
    _manager(request)
    listing = filtered_page(
        request, PeopleFilter(request.GET, queryset=queries.people()), per_page=PEOPLE_PER_PAGE
    )
    for person in listing["page_obj"].object_list:
        _labelled(person)
    return render(request, "accounts/people/list.html", listing)


@login_required
@require_safe
def person_detail(request, pk):
    person = _labelled(_person(request, pk))
    context = {
        "person": person,
        "can_change": access.can_change_person(request.user, person),
        "awaits_invitation": queries.awaits_invitation(person),
        "can_read_audit": access.can_use_admin(request.user),
    }
    return render(request, "accounts/people/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request):
    manager = _manager(request)
    form = InvitationForm(posted(request), manager=manager)
    if form.is_valid():
        try:
            person = services.invite(by=manager, request=request, **form.cleaned_data)
        except (OSError, BadHeaderError):
            form.add_error(None, _("The invitation could not be sent: nothing was recorded."))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
            return redirect("people:detail", person.pk)
    context = {"form": form, "invitation_days": settings.INVITATION_DAYS}
    return render(request, "accounts/people/invite.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    person = _labelled(_person(request, pk, to_change=True))
    initial = {"office": person.office, "role": person.role_value or ""}
    form = PersonForm(posted(request), initial=initial, manager=request.user)
    if form.is_valid():
        services.change(by=request.user, person=person, **form.cleaned_data)
        saved = _("%(person)s's office and role are saved.") % {"person": person}
        messages.success(request, elide(saved))
        return redirect("people:detail", person.pk)
    return render(request, "accounts/people/edit.html", {"person": person, "form": form})


def _activation(request, pk, *, active: bool):
    person = _labelled(_person(request, pk, to_change=True))
    if request.method == "POST":
        services.set_active(by=request.user, person=person, active=active)
        if active:
            messages.success(request, _("%(person)s can sign in again.") % {"person": person})
        else:
            messages.success(request, _("%(person)s can no longer sign in.") % {"person": person})
        return redirect("people:detail", person.pk)
    template = "accounts/people/reactivate.html" if active else "accounts/people/deactivate.html"
    return render(request, template, {"person": person})


@login_required
@require_http_methods(["GET", "POST"])
def deactivate(request, pk):
    return _activation(request, pk, active=False)


@login_required
@require_http_methods(["GET", "POST"])
def reactivate(request, pk):
    return _activation(request, pk, active=True)


@login_required
@require_POST
def invite_again(request, pk):
    person = _person(request, pk, to_change=True)
    if not queries.awaits_invitation(person):
        messages.error(request, _("%(person)s has already chosen a password.") % {"person": person})
        return redirect("people:detail", person.pk)
    try:
        services.invite_again(by=request.user, person=person, request=request)
    except (OSError, BadHeaderError):
        messages.error(request, _("The invitation could not be sent. Try again later."))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
    return redirect("people:detail", person.pk)


class AcceptInvitationView(auth_views.PasswordResetConfirmView):
    """The invitation's link: Django's password-reset confirmation (the token
    leaves the address for the session before the page is shown) with the
    invitation's token, valid `INVITATION_DAYS`, once."""

    token_generator = invitation_tokens
    form_class = InvitationPasswordForm
    # The word that stands in the address for the token once it is in the
    # session (Django's own is "set-password"): no secret.
    reset_url_token = "choose-password"  # nosec B105
    template_name = "accounts/people/welcome.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event("invitation_accepted", request=self.request, user=form.user)
        return response
