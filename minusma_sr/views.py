from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import security_log


@require_safe
@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise.

    Needs no sign-in and creates no session.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- Audit and refusals ------------------------------------------------------------------


def permission_denied(request, exception):
    """The 403 page (`handler403`), each refusal recorded in the security log."""
    security_log.log_event(
        "permission_denied", request=request, method=request.method, reason=str(exception)
    )
    return defaults.permission_denied(request, exception)
