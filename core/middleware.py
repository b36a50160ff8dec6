"""Middleware every app relies on."""

import functools
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.middleware.gzip import GZipMiddleware

# When the session was last saved for its idle expiry (seconds since the epoch).
RENEWED_AT = "_renewed_at"


def stamp_renewal(session) -> None:
    session[RENEWED_AT] = int(time.time())


def stamp_at_sign_in(sender, request, **kwargs) -> None:
    """A new session starts its idle time at the sign-in (user_logged_in)."""
    stamp_renewal(request.session)


def renew_session(get_response):
    """A signed-in session ends after SESSION_COOKIE_AGE seconds without a
    request; saving it starts that time again. It is saved once
    SESSION_RENEW_AFTER seconds have passed since its last renewal (a tenth
    of the idle time), not at every request: a person idle for the whole
    time is signed out, one active within it never is, and most requests
    write nothing. A sign-in stamps the new session (`core.apps`)."""

    def middleware(request):
        session = request.session
        # The key comes from the cookie; reading the session loads it, as
        # every signed-in request does anyway.
        signed_in = session.session_key is not None and SESSION_KEY in session
        if signed_in and time.time() - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_AFTER:
            stamp_renewal(session)
        return get_response(request)

    return middleware


def private_no_store(get_response):
    """Pages of a signed-in user and downloaded files are kept by no cache: not
    a shared proxy's, not the browser's (the back button on a shared computer
    after sign-out, a file left in a cache folder).

    A response that already says `no-store` is left as it is; static files
    never get here (whitenoise answers them before)."""

    def middleware(request):
        response = get_response(request)
        # Signed in: the session names a user. Read from the session, which
        # every signed-in request loads anyway, rather than `request.user`,
        # whose first reading costs a query on pages that never need it.
        session = getattr(request, "session", None)
        signed_in = session is not None and SESSION_KEY in session
        download = response.get("Content-Disposition", "").startswith("attachment")
        if (signed_in or download) and "no-store" not in response.get("Cache-Control", ""):
            # Replaces a `public` or `max-age` a view may have set.
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware


# --- Compression -----------------------------------------------------------------

# Set on a response by `uncompressed`: the compression below leaves it as it is.
UNCOMPRESSED = "_portal_uncompressed"


def uncompressed(view):
    """A page holding a secret that must not be guessed through its
    compressed length (BREACH, docs/security.md): sent as it is."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, UNCOMPRESSED, True)
        return response

    return wrapped


class CompressionMiddleware(GZipMiddleware):
    """Pages and downloads gzip-compressed on the wire, for the offices on slow
    links: a page's HTML is four to eight times smaller. Django's middleware
    also adds up to 100 random bytes to each compressed response, which makes
    a length measured once worth less to an attacker (BREACH); pages that
    show a secret of their own are not compressed at all (`uncompressed`).
    Static files never get here: whitenoise sends them already compressed."""

    def process_response(self, request, response):
        if getattr(response, UNCOMPRESSED, False):
            return response
        return super().process_response(request, response)
