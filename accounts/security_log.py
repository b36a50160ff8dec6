"""Security events, one JSON object per line, on the `security` logger.

Each line holds `time` (UTC, ISO 8601), `event`, `user`, `ip`, `path` and
`details`, so that the mission's log collector can search and alert on them
without parsing prose. The events, and whom `user` names:

- `sign_in`, `sign_out`: the person;
- `sign_in_failed` (a refused password), `lockout` (django-axes locks a user
  name for an address): the user name typed;
- `permission_denied`: who asked for a page that answered 403
  (`minusma_sr.views.permission_denied`);
- `export`: who downloaded a list or ledger as a file (`logs_export`);
- `role_change`: who changed a user's groups, permissions, staff or superuser
  status, active flag or office, read from the user's history
  (`details.target` is the person changed, `details.changes` old and new);
- `user_deleted`: who deleted the user named in `details.target`.
- `password_reset_throttled`: a password-reset request over the limit
  (`accounts.views.PasswordResetView`), no e-mail sent: the address typed.
- `invitation_sent`: who invited the person named in `details.target`
  (`accounts.people`); `invitation_accepted`: the invitee, who chose their
  password through the invitation's link.
- `two_factor_enrolled`, `two_factor_removed`, `recovery_code_used`: the
  person (`accounts.two_factor`); a wrong code is a `sign_in_failed`.
- `api_token_created`, `api_token_revoked`: the token's owner
  (`accounts.api_tokens`).

This module only records: it changes nothing and refuses nothing. It is
imported when logging is configured, before the apps are ready, so it reads
models only inside its functions; `connect_signals` is called by
`accounts.apps.AccountsConfig.ready`.
"""

import functools
import json
import logging
from datetime import UTC, datetime

logger = logging.getLogger("security")

# The fields of a user's history that decide what they may do.
ROLE_FIELDS = ("is_active", "is_staff", "is_superuser", "office_id")


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside values are
    escaped by JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "event": getattr(record, "event", None) or record.getMessage(),
            "user": getattr(record, "user", None),
            "ip": getattr(record, "ip", None),
            "path": getattr(record, "path", None),
            "details": getattr(record, "details", None) or {},
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":"))


def log_event(event: str, *, request=None, user=None, **details) -> None:
    """Log one security event. `user` is a user or a user name; by default the
    request's signed-in user."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    logger.info(
        event,
        extra={
            "event": event,
            "user": _username(user),
            "ip": client_ip(request),
            "path": request.path if request is not None else None,
            "details": details,
        },
    )


def client_ip(request) -> str | None:
    """The address django-axes counts sign-in failures against, so that a
    lockout and the failures before it name the same address."""
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None)
    if address:
        return address
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def _username(user) -> str | None:
    if user is None:
        return None
    if isinstance(user, str):
        return user
    if not getattr(user, "is_authenticated", False):
        return None
    return user.get_username()


# --- Exports --------------------------------------------------------------------


def log_export(request, kind: str, rows: int | None = None) -> None:
    """Record that `request.user` downloaded `kind` (with its filters)."""
    details = {"kind": kind, "query": request.GET.urlencode()}
    if rows is not None:
        details["rows"] = rows
    log_event("export", request=request, **details)


def logs_export(kind: str):
    """Decorate an export view: a file served (200) is logged as `export`."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                log_export(request, kind)
            return response

        return wrapped

    return decorate


# --- Receivers ------------------------------------------------------------------


def on_signed_in(sender, request, user, **kwargs):
    log_event("sign_in", request=request, user=user)


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password; only the user name is kept.
    log_event("sign_in_failed", request=request, user=credentials.get("username") or "")


def on_signed_out(sender, request, user, **kwargs):
    log_event("sign_out", request=request, user=user)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    log_event("lockout", request=request, user=username or "")


def on_user_history(sender, history_instance, **kwargs):
    """Log a change of role, rights or office from the user's new history
    record, compared with the one before it (three queries)."""
    record = history_instance
    if record.history_type == "-":
        log_event(
            "user_deleted",
            request=_current_request(),
            user=record.history_user,
            target=record.username,
        )
        return
    before = record.prev_record if record.history_type == "~" else None
    old, new = _rights(record, before)
    changes = {name: [old[name], new[name]] for name in new if old[name] != new[name]}
    if changes:
        log_event(
            "role_change",
            request=_current_request(),
            user=record.history_user,
            target=record.username,
            changes=changes,
        )


def _rights(record, before) -> tuple[dict, dict]:
    """What decides the user's rights before and after `record`. A new user
    (no record before) is compared with one who has no rights."""
    records = [r for r in (record, before) if r is not None]
    ids = [r.history_id for r in records]
    rights = {
        r.history_id: {
            **{name: getattr(r, name) for name in ROLE_FIELDS},
            "groups": [],
            "permissions": [],
        }
        for r in records
    }
    groups = record.groups.model.objects.filter(history_id__in=ids)
    for history_id, name in groups.values_list("history_id", "group__name").order_by("group__name"):
        rights[history_id]["groups"].append(name)
    permissions = record.user_permissions.model.objects.filter(history_id__in=ids)
    rows = permissions.values_list(
        "history_id", "permission__content_type__app_label", "permission__codename"
    ).order_by("permission__content_type__app_label", "permission__codename")
    for history_id, app_label, codename in rows:
        rights[history_id]["permissions"].append(f"{app_label}.{codename}")
    new = rights[record.history_id]
    if before is None:
        none = {"is_staff": False, "is_superuser": False, "office_id": None}
        return {**new, **none, "groups": [], "permissions": []}, new
    return rights[before.history_id], new


def _current_request():
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def connect_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from simple_history.signals import post_create_historical_record

    user_logged_in.connect(on_signed_in, dispatch_uid="security_log.sign_in")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="security_log.sign_in_failed")
    user_logged_out.connect(on_signed_out, dispatch_uid="security_log.sign_out")
    user_locked_out.connect(on_locked_out, dispatch_uid="security_log.lockout")
    post_create_historical_record.connect(
        on_user_history,
        sender=get_user_model().history.model,
        dispatch_uid="security_log.role_change",
    )
