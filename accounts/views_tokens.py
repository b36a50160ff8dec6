"""A person's own tokens of the read API, on their profile page: made (the
secret shown once) and revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import api_tokens
from accounts.forms import ApiTokenForm
from accounts.security_log import log_event
from core.middleware import uncompressed


def token_context(user, form: ApiTokenForm | None = None) -> dict:
    """What the profile page's tokens section shows."""
    return {
        "api_tokens": list(api_tokens.tokens_of(user)),
        "api_token_form": form or ApiTokenForm(),
        "now": timezone.now(),
    }


@login_required
@require_POST
@never_cache
@uncompressed
def create(request):
    """Make a token and show its secret, once, on the page this POST answers:
    never in an address, never kept, never compressed (BREACH)."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/api_token_created.html",
            token_context(request.user, form),
            status=200,
        )
    token, secret = api_tokens.create_token(
        user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
    )
    log_event("api_token_created", request=request, token=token.prefix)
    context = {**token_context(request.user), "created": token, "secret": secret}
    return render(request, "accounts/api_token_created.html", context)


@login_required
@require_POST
def revoke(request, pk: int):
    """Revoke one of one's own tokens; another person's is not found."""
    token = get_object_or_404(api_tokens.tokens_of(request.user), pk=pk)
    api_tokens.revoke_token(token=token, by=request.user)
    log_event("api_token_revoked", request=request, token=token.prefix)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("profile")
