"""Signing in to the read API with a personal token, and what a token may do.

A request carries `Authorization: Bearer <secret>`. The token must be neither
revoked nor expired, and it only reads: any method but GET, HEAD and OPTIONS
is refused, whatever the person's role. Requests are throttled per token
(`TokenRateThrottle`, the rate in settings `REST_FRAMEWORK`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from accounts import api_tokens
from accounts.models import ApiToken

KEYWORD = b"bearer"


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None  # no token: the session may still sign the request in
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        token = api_tokens.find_usable(secret)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(_("API tokens are read-only."))
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"


class ReadOnly(BasePermission):
    """The API reads: any other method is one the API does not take (405)."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        raise exceptions.MethodNotAllowed(request.method)


class TokenRateThrottle(SimpleRateThrottle):
    """So many requests per token (or per person signed in by session) in
    each period, counted in the shared cache so every process sees them."""

    scope = "api"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema names the token: a bearer token."""

    target_class = TokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("A personal token made on the profile page; read-only, with an expiry.")
            ),
        }
