import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST, require_safe

from accounts import views_tokens
from accounts.forms import DigestPreferenceForm
from accounts.models import User
from accounts.security_log import client_ip, log_event

# Password-reset e-mails: at most this many per address, and per client address,
# in RESET_WINDOW seconds; requests over the limit send nothing.
RESET_LIMIT_PER_EMAIL = 3
RESET_LIMIT_PER_IP = 10
RESET_WINDOW = 60 * 60


class LoginView(auth_views.LoginView):
    """Django's sign-in, which then switches to the user's preferred language."""

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response


class LogoutView(auth_views.LogoutView):
    """Django's sign-out, which also tells the browser to forget what this
    device kept for the person: the pages the service worker kept, the
    drafts saved offline, and the worker itself (Clear-Site-Data; the
    sign-out form's script does the same before posting, for browsers that
    ignore the header)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled per e-mail address and per client
    address so that nobody can flood a mailbox (or the mail server). Over the
    limit the page is the same as after a sent e-mail: it reveals nothing."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not _reset_allowed(self.request, email):
            log_event("password_reset_throttled", request=self.request, user=email)
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def _reset_allowed(request, email: str) -> bool:
    """Count this request against both limits; False once either is passed.
    The counters live in the shared cache, so every process sees them."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    counters = [
        (f"password-reset:email:{digest}", RESET_LIMIT_PER_EMAIL),
        (f"password-reset:ip:{client_ip(request) or 'unknown'}", RESET_LIMIT_PER_IP),
    ]
    allowed = True
    for key, limit in counters:
        cache.add(key, 0, timeout=RESET_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=RESET_WINDOW)
            count = 1
        allowed = allowed and count <= limit
    return allowed


@require_POST
def set_language(request):
    """Django's language switch, remembered for the signed-in user."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


@login_required
@require_safe
def profile(request):
    """The signed-in person's own account: who they are and their e-mails."""
    form = DigestPreferenceForm(initial={"receives_digest": request.user.receives_digest})
    context = {"digest_form": form, **views_tokens.token_context(request.user)}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def digest_preference(request):
    """Turn the signed-in person's weekly digest on or off; nobody else's."""
    form = DigestPreferenceForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/profile.html", {"digest_form": form}, status=400)
    request.user.receives_digest = form.cleaned_data["receives_digest"]
    request.user.save(update_fields=["receives_digest"])
    if request.user.receives_digest:
        messages.success(request, _("You will receive the weekly digest."))
    else:
        messages.success(request, _("You will no longer receive the weekly digest."))
    return redirect("profile")
