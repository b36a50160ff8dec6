"""Two-factor sign-in: a code from an authenticator app (TOTP) after the
password, with single-use recovery codes, kept by django-otp.

Who owes the second factor is decided when the password is accepted
(`user_logged_in`) and written in the session as the step still to take:

- `verify`: the person has a confirmed device; they type a code (or a
  recovery code) before anything else;
- `setup`: the person's role requires the second factor (TWO_FACTOR_ROLES;
  "administrator" stands for superusers) and they have no device yet; they
  enrol before anything else;
- nothing: the second factor is optional for them and they have none.

Until the step is done, `second_factor_required` lets the session reach only
the code step, enrolment, sign-out and the language switch; every other page,
Django admin and the money pages included, redirects to the step (403 for
JSON). API requests authenticated by a token are not the session's and are
left alone. Deciding once per sign-in keeps every page free of extra
queries; a role that starts to require the second factor applies from the
person's next sign-in.

Failed codes count as failed sign-ins for django-axes (`record_failure`):
after AXES_FAILURE_LIMIT of them the code step refuses for the lockout time,
like the password step. django-otp also slows down each device after every
failure, which a new password sign-in (that resets django-axes' count) does
not undo.
"""

import base64
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.security_log import log_event

# The step still to take after the password, kept in the session.
STEP_SESSION_KEY = "two_factor_step"
VERIFY = "verify"
SETUP = "setup"
STEP_URLS = {VERIFY: "two_factor_verify", SETUP: "two_factor_setup"}

# Recovery codes just made, kept in the session until their page shows them once.
NEW_CODES_SESSION_KEY = "two_factor_new_codes"
RECOVERY_CODE_COUNT = 10

# Pages a session may reach while a step is pending.
OPEN_DURING_STEP = frozenset(
    {"two_factor_verify", "two_factor_setup", "logout", "set_language", "healthz"}
)

# What "administrator" means in TWO_FACTOR_ROLES: superusers, who have no role.
ADMINISTRATOR = "administrator"


def is_required(user) -> bool:
    """Whether the person's role requires the second factor. Roles are named
    by their value in TWO_FACTOR_ROLES, so a name no role has (yet) only
    requires nothing."""
    required = set(getattr(settings, "TWO_FACTOR_ROLES", ()))
    if user.is_superuser and ADMINISTRATOR in required:
        return True
    role = user.role
    return role is not None and role.value in required


def step_for(user) -> str | None:
    """The step the person must take after their password, if any."""
    if user_has_device(user):
        return VERIFY
    if is_required(user):
        return SETUP
    return None


def on_signed_in(sender, request, user, **kwargs) -> None:
    """At each sign-in (user_logged_in): forget an earlier verification and
    note the step still to take. Connected by `accounts.apps`."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    step = step_for(user)
    if step:
        request.session[STEP_SESSION_KEY] = step
    else:
        request.session.pop(STEP_SESSION_KEY, None)


def pending_step(request) -> str | None:
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    return session.get(STEP_SESSION_KEY)


def second_factor_required(get_response):
    """A session whose second factor is pending reaches only the step's pages;
    every other request goes to the step (or gets 403 if it asks for JSON).
    Reads the session only, which every signed-in request loads anyway."""

    def middleware(request):
        step = pending_step(request)
        if step is None or _open_during_step(request) or _token_request(request):
            return get_response(request)
        if _wants_json(request):
            return JsonResponse({"detail": _("Two-factor sign-in is not complete.")}, status=403)
        target = reverse(STEP_URLS[step])
        return redirect(f"{target}?next={quote(request.get_full_path())}")

    return middleware


def _open_during_step(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in OPEN_DURING_STEP and not match.namespace


def _token_request(request) -> bool:
    """An API request carrying a token is authenticated by that token, never
    by the session: the API tries the token first and refuses a bad one
    (`accounts.api_auth`)."""
    authorization = request.headers.get("Authorization", "")
    return request.path_info.startswith("/api/") and authorization.lower().startswith("bearer ")


def _wants_json(request) -> bool:
    if request.path_info.startswith("/api/"):
        return True
    return not request.accepts("text/html") and request.accepts("application/json")


# --- Devices ----------------------------------------------------------------------


def setup_device(user) -> TOTPDevice:
    """The authenticator device being enrolled: the same one until it is
    confirmed, so that reloading the page keeps the secret already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in
    groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment address (otpauth://) as a QR code, an SVG data: URI."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def confirm_device(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with its first code; the person is then verified
    for this session and gets new recovery codes (returned, shown once).
    None if the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator at a time: an earlier one stops working.
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        codes = new_recovery_codes(request.user)
    _complete(request, device)
    log_event("two_factor_enrolled", request=request)
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODE_COUNT new ones,
    each good for one sign-in."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify_code(request, code: str):
    """The device that accepts `code`: an authenticator code (six digits) or
    a recovery code, which is used up. On success the session is verified."""
    user = request.user
    kind = TOTPDevice if code.isdigit() else StaticDevice
    for device in devices_for_user(user):
        if isinstance(device, kind) and otp_verify_token(user, device.persistent_id, code):
            _complete(request, device)
            if kind is StaticDevice:
                log_event("recovery_code_used", request=request)
            return device
    return None


def _complete(request, device) -> None:
    # A new key for the session that now carries more rights.
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(STEP_SESSION_KEY, None)


def record_failure(request) -> None:
    """A wrong code counts as a failed sign-in for django-axes (which may lock
    the user name for this address) and is logged as `sign_in_failed`."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": request.user.get_username()},
        request=request,
    )


def remove_devices(request) -> None:
    """Remove the person's authenticator and recovery codes."""
    with transaction.atomic():
        for device in devices_for_user(request.user, confirmed=None):
            device.delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    log_event("two_factor_removed", request=request)
