"""Saving without losing anybody's work: optimistic locking (a save names the
version it started from) and one-time creation tokens (the same form posted
twice creates one row)."""

import uuid

from django.db import IntegrityError, models, transaction

from core.history import Change, changes_between


class EditConflict(Exception):
    """Somebody saved the record after the form was opened; nothing was written."""

    def __init__(self, changes: list[Change], *, by, at):
        super().__init__("edit conflict")
        self.changes, self.by, self.at = changes, by, at


def save_versioned(instance: models.Model, *, by, version: int, **fields) -> models.Model:
    """Apply `fields` to `instance` if nobody saved it since `version`.

    Raises EditConflict (showing what the other person changed) otherwise. A
    form posted twice with the same values is not a conflict: it saved once.
    """
    with transaction.atomic():
        model = type(instance)
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != version:
            if all(getattr(current, name) == value for name, value in fields.items()):
                return current
            base = current.history.filter(version=version).order_by("-history_id").first()
            latest = current.history.select_related("history_user").first()
            changes = changes_between(model, base, latest) if base and latest else []
            raise EditConflict(
                changes,
                by=latest.history_user if latest else None,
                at=latest.history_date if latest else None,
            )
        for name, value in fields.items():
            setattr(current, name, value)
        current.version = version + 1
        current._history_user = by
        current.save()
        return current


def create_once(model, *, by, token: uuid.UUID | None, **fields) -> tuple[models.Model, bool]:
    """Create a row unless the same form (its one-time token, stored in the
    model's `creation_token`) already created it; returns (row, created). Also
    safe when the two posts arrive at the same instant."""
    if token:
        existing = model._default_manager.filter(creation_token=token).first()
        if existing:
            return existing, False
    instance = model(creation_token=token, **fields)
    instance._history_user = by
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        existing = token and model._default_manager.filter(creation_token=token).first()
        if existing:
            return existing, False
        raise
    return instance, True
