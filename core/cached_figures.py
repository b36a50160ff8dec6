"""Figures summed over many rows (the dashboard's portfolio, the mechanisms'
ledgers, the coverage of a plan, the region page's groups and totals, the
projects list's choices of filters), the review queue's count and the role of
each person, and the sections of pages rendered from them
(`core.render_cache`), kept in a shared cache until the data they are made of
change.

One version for all of them. Any save or deletion of a watched model, or change
of its many-to-many relations (each app names its models in its
AppConfig.ready, through `watch`: every model whose rows a page shows), replaces
the version at once, and again when the transaction commits: every cached
figure is then computed afresh at its next reading. A figure is stored under
the version read before it was computed, so one computed from data read before
a commit can never outlive the version that commit sets. A request reads the
version once, at its first cached figure, and again after a change it makes.

The cache is the `figures` alias of CACHES: Redis when REDIS_URL is set, which
every process shares; without it, Django's dummy cache, and every figure is
computed at each reading (one process's memory would not see another's
changes). A timeout bounds the life of a figure whose data changed outside the
ORM; the commands that write in bulk (`seed_scale`, `restore`) call `changed`.
"""

import contextvars
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

ALIAS = "figures"
VERSION_KEY = "figures:version"
TIMEOUT = 15 * 60  # seconds
# Saves that change none of what figures and pages show (a sign-in records
# its date on the user).
IGNORED_FIELDS = frozenset({"last_login"})

# The version read once per request (every cached figure and section of a
# page reads it): None outside a request, and until the first reading.
_request_version: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "figures_version", default=None
)
_in_request: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "figures_in_request", default=False
)


def _cache():
    return caches[ALIAS]


def _version() -> str:
    if _in_request.get() and (known := _request_version.get()) is not None:
        return known
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        # `add` keeps the version another process may have set meanwhile.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or "none"
    if _in_request.get():
        _request_version.set(version)
    return version


def current_version() -> str:
    """The version the figures and sections of this request are kept under."""
    return _version()


def _replace_version() -> None:
    version = uuid.uuid4().hex
    _cache().set(VERSION_KEY, version, timeout=None)
    # What this request reads next is computed afresh.
    _request_version.set(None)


def _request_starts(**kwargs) -> None:
    _in_request.set(True)
    _request_version.set(None)


def _request_ends(**kwargs) -> None:
    _in_request.set(False)
    _request_version.set(None)


request_started.connect(_request_starts, dispatch_uid="cached_figures.request_started")
request_finished.connect(_request_ends, dispatch_uid="cached_figures.request_finished")


def changed() -> None:
    """Every cached figure is out of date: now, and again once the current
    transaction (if any) commits."""
    _replace_version()
    transaction.on_commit(_replace_version)


def _on_change(sender, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= IGNORED_FIELDS:
        return
    changed()


def _on_relation_change(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        changed()


def watch(*models) -> None:
    """Make every save and deletion of `models`, and every change of their
    many-to-many relations, invalidate the figures."""
    for model in models:
        uid = f"cached_figures:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _on_relation_change,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}.{field.name}",
            )


def _key(name: str, parts) -> str:
    return ":".join(["figures", _version(), name, *(str(part) for part in parts)])


def kept(name: str, *parts) -> Any:
    """What `cached` keeps for `name` and `parts`, or None: nothing is computed."""
    return _cache().get(_key(name, parts))


def cached(name: str, compute: Callable[[], Any], *parts) -> Any:
    """`compute()`, or what it returned last time for `name` and `parts`
    (strings or numbers identifying the figure) if nothing watched has changed
    since. The value must pickle: model instances, numbers, lazy translations,
    not querysets (pickling one reads all its rows); None is never kept."""
    key = _key(name, parts)
    cache = _cache()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
