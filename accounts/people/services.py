"""Writes of people management. Each change is one transaction that leaves
one history record of the person (details, office, role and active flag
together), read by the audit (`/audit/`); the security log's `role_change`
follows from it (`accounts.security_log`)."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import access
from accounts.models import User, user_history
from accounts.people.queries import awaits_invitation
from accounts.people.tokens import invitation_tokens
from accounts.roles import Role
from accounts.security_log import log_event


def invitation_url(person: User) -> str:
    """The one-time address where `person` chooses their password."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    path = reverse("invitation", args=[uid, invitation_tokens.make_token(person)])
    return settings.PORTAL_URL.rstrip("/") + path


@transaction.atomic
def invite(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    office,
    role: Role | None,
    request=None,
) -> User:
    """Create the account of `email` (its user name too), without a usable
    password, and send the invitation in `language`. The e-mail is sent
    before the transaction ends: if the mail server refuses it, no account
    is left behind."""
    _check_role(by, role)
    person = User(
        username=email,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        office=office,
    )
    person.set_unusable_password()
    _save_with_role(person, by=by, role=role, created=True)
    _send_invitation(person, by=by, role=role)
    log_event("invitation_sent", request=request, user=by, target=person.username)
    return person


@transaction.atomic
def change(*, by: User, person: User, office, role: Role | None) -> User:
    """Give `person` another office or role."""
    # The user's row only: the manager joins the (nullable) office, which
    # PostgreSQL cannot lock.
    person = User.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if not access.can_change_person(by, person):
        raise PermissionDenied
    _check_role(by, role)
    if person.office_id == (office.pk if office else None) and person.role == role:
        return person
    person.office = office
    _save_with_role(person, by=by, role=role, created=False)
    return person


@transaction.atomic
def set_active(*, by: User, person: User, active: bool) -> User:
    """Deactivate `person` (they can no longer sign in; their records stay)
    or reactivate them."""
    person = User.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if not access.can_change_person(by, person):
        raise PermissionDenied
    if person.is_active == active:
        return person
    person.is_active = active
    person._history_user = by
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def invite_again(*, by: User, person: User, request=None) -> None:
    """Send `person` a new invitation (the first expired or went astray),
    while they have not chosen a password."""
    person = User.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if not access.can_change_person(by, person) or not awaits_invitation(person):
        raise PermissionDenied
    _send_invitation(person, by=by, role=person.role)
    log_event("invitation_sent", request=request, user=by, target=person.username)


def _check_role(by: User, role: Role | None) -> None:
    # The forms offer only these; this holds whatever the entry point.
    if role is not None and role not in access.grantable_roles(by):
        raise PermissionDenied


def _save_with_role(person: User, *, by: User, role: Role | None, created: bool) -> None:
    """Save `person` with `role` as their only role group (other groups
    stay), recorded once in history, as Django admin does."""
    person.skip_history_when_saving = True
    try:
        person.save()
        groups = list(person.groups.exclude(name__in=Role.values))
        if role is not None:
            groups.append(Group.objects.get(name=role.value))
        person.groups.set(groups)
    finally:
        del person.skip_history_when_saving
    person._history_user = by
    user_history.record(person, created=created)


def _send_invitation(person: User, *, by: User, role: Role | None) -> None:
    expires = timezone.localdate() + datetime.timedelta(days=settings.INVITATION_DAYS)
    with translation.override(person.language):
        context = {
            "person": person,
            "by": by,
            "url": invitation_url(person),
            "expires": expires,
            "role": role,
        }
        subject = render_to_string("accounts/people/email/invitation_subject.txt", context)
        body = render_to_string("accounts/people/email/invitation_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
    ).send()
