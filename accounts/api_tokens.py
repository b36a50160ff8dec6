"""Personal tokens of the read API: made, found and revoked here only.

A token's secret is `secrets.token_urlsafe`, given to its owner once; the
database keeps its SHA-256 and its first characters (to tell tokens apart),
so a copy of the database opens nothing."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken

# How long a new token may live, in days: the choices of the profile page.
LIFETIMES = (30, 90, 180, 365)
# The time of last use is written at most this often, not at every request.
LAST_USED_EVERY = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(*, user, name: str, days: int, by=None) -> tuple[ApiToken, str]:
    """A new token of `user`, valid `days` days; returns it with its secret,
    which is stored nowhere and cannot be shown again."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[: ApiToken.PREFIX_LENGTH],
        digest=digest_of(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    token._history_user = by or user
    token.save()
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, by) -> None:
    """Revoke `token` at once; a token already revoked stays as it was."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token._history_user = by
    token.save(update_fields=["revoked_at"])


def find_usable(secret: str) -> ApiToken | None:
    """The token whose secret is `secret`, if it is neither revoked nor
    expired, with its user; the time of its last use noted (at most once a
    minute, so that reading the API does not write at every request)."""
    now = timezone.now()
    token = (
        ApiToken.objects.usable(now)
        .select_related("user", "user__office")
        .filter(digest=digest_of(secret))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    return token


def tokens_of(user):
    """The tokens `user` may see and revoke: their own."""
    return ApiToken.objects.filter(user=user)
