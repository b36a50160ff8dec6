"""Filters of the portal's logging configuration (LOGGING in the settings)."""

import logging

from django.core.exceptions import PermissionDenied


class RefusalsRecordedElsewhere(logging.Filter):
    """Drops Django's own line for a refused request (403 from a
    `PermissionDenied`), with its traceback: the 403 page's view records each
    refusal once in the security log, who and where included
    (`minusma_sr.views.permission_denied`). A 403 answered otherwise keeps
    Django's line, the only one it gets."""

    def filter(self, record: logging.LogRecord) -> bool:
        exception = record.exc_info[1] if record.exc_info else None
        return not (
            getattr(record, "status_code", None) == 403 and isinstance(exception, PermissionDenied)
        )
