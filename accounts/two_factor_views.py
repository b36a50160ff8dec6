"""The pages of two-factor sign-in (`accounts.two_factor`): the code step
after the password, enrolment, the recovery codes shown once, and the
profile's actions."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_otp import user_has_device

from accounts import two_factor
from accounts.forms import TwoFactorCodeForm
from core.middleware import uncompressed


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return settings.LOGIN_REDIRECT_URL


@login_required
@never_cache
def verify(request):
    """The code step: a code from the authenticator app, or a recovery code.
    Wrong codes count like wrong passwords; once locked, the step refuses
    until the lockout ends."""
    if request.session.get(two_factor.STEP_SESSION_KEY) != two_factor.VERIFY:
        return redirect(_next_url(request))
    if AxesProxyHandler.is_locked(request, {"username": request.user.get_username()}):
        # AxesMiddleware answers with the lockout page.
        request.axes_locked_out = True
        return HttpResponse(status=429)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify_code(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        two_factor.record_failure(request)
        form.add_error("code", _("This code is not valid. Try again with a new code."))
    status = 400 if form.is_bound else 200
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/two_factor_verify.html", context, status=status)


@login_required
@uncompressed
@never_cache
def setup(request):
    """Enrol an authenticator app: its secret as a QR code (and as text),
    confirmed by a first code. Holds the secret: never compressed (BREACH)."""
    if user_has_device(request.user):
        messages.info(request, _("Two-factor sign-in is already set up."))
        return redirect("profile")
    device = two_factor.setup_device(request.user)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_device(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[two_factor.NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect("two_factor_codes")
        form.add_error("code", _("This code is not valid. Try again with a new code."))
    context = {
        "form": form,
        "qr_code": two_factor.qr_data_uri(device),
        "manual_key": two_factor.manual_key(device),
        "required": two_factor.is_required(request.user),
    }
    status = 400 if form.is_bound else 200
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@login_required
@require_safe
@uncompressed
@never_cache
def recovery_codes(request):
    """The recovery codes just made, shown once: the session forgets them."""
    codes = request.session.pop(two_factor.NEW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("profile")
    return render(request, "accounts/two_factor_codes.html", {"codes": codes})


@login_required
@require_POST
def new_recovery_codes(request):
    """Replace the recovery codes of a person verified in this session."""
    if not request.user.is_verified():
        messages.error(request, _("Sign in with your second factor first."))
        return redirect("profile")
    request.session[two_factor.NEW_CODES_SESSION_KEY] = two_factor.new_recovery_codes(request.user)
    messages.success(request, _("New recovery codes replace the earlier ones."))
    return redirect("two_factor_codes")


@login_required
@require_POST
def remove(request):
    """Turn two-factor sign-in off, for a person verified in this session
    whose role does not require it."""
    if not request.user.is_verified():
        messages.error(request, _("Sign in with your second factor first."))
        return redirect("profile")
    if two_factor.is_required(request.user):
        messages.error(request, _("Your role requires two-factor sign-in: it cannot be removed."))
        return redirect("profile")
    two_factor.remove_devices(request)
    messages.success(request, _("Two-factor sign-in is turned off."))
    return redirect("profile")
