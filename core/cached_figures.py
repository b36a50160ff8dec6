"""Figures summed over many rows (the dashboard's portfolio, the mechanisms'
ledgers, the coverage of a plan, the region page's groups and totals, the
projects list's choices of filters), kept in a shared cache until the data
they are made of change.

One version for all of them. Any save or deletion of a watched model, or change
of its many-to-many relations (each app names its own models in its
AppConfig.ready, through `watch`), replaces the version at once, and again when
the transaction commits: every cached figure is then computed afresh at its
next reading. A figure is stored under the version read before it was
computed, so one computed from data read before a commit can never outlive the
version that commit sets.

The cache is the `figures` alias of CACHES: Redis when REDIS_URL is set, which
every process shares; without it, Django's dummy cache, and every figure is
computed at each reading (one process's memory would not see another's
changes). A timeout bounds the life of a figure whose data changed outside the
ORM; the commands that write in bulk (`seed_scale`, `restore`) call `changed`.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

ALIAS = "figures"
VERSION_KEY = "figures:version"
TIMEOUT = 15 * 60  # seconds


def _cache():
    return caches[ALIAS]


def _version() -> str:
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        # `add` keeps the version another process may have set meanwhile.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or "none"
    return version


def _replace_version() -> None:
    _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def changed() -> None:
    """Every cached figure is out of date: now, and again once the current
    transaction (if any) commits."""
    _replace_version()
    transaction.on_commit(_replace_version)


def _on_change(sender, **kwargs) -> None:
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


def cached(name: str, compute: Callable[[], Any], *parts) -> Any:
    """`compute()`, or what it returned last time for `name` and `parts`
    (strings or numbers identifying the figure) if nothing watched has changed
    since. The value must pickle: model instances, numbers, lazy translations,
    not querysets (pickling one reads all its rows); None is never kept."""
    version = _version()
    key = ":".join(["figures", version, name, *(str(part) for part in parts)])
    cache = _cache()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
