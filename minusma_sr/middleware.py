"""What the portal answers when its database stays busy.

On SQLite a write waits for the one before it (`environment.SQLITE_OPTIONS`:
immediate transactions and a busy timeout). If it still finds the database
locked when the timeout runs out, the person gets a "try again" page (503,
with Retry-After) instead of a server error; nothing was written, since the
transaction was rolled back.
"""

import logging

from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _is_busy(error: Exception) -> bool:
    message = str(error).lower()
    return "database is locked" in message or "database table is locked" in message


class BusyDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or not _is_busy(exception):
            return None
        logger.warning("database busy: %s %s answered 503", request.method, request.path)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
