"""Middleware every app relies on."""

from django.contrib.auth import SESSION_KEY


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
