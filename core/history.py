"""History of audited records as people read it: "field: old → new", from
django-simple-history's records, in one pass without extra queries."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.formats import date_format


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: object
    subject: str
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's types)
    changes: list[Change]


def _display(model, field_name: str, value) -> str:
    field = model._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def changes_between(model, old_record, new_record, excluded_fields=()) -> list[Change]:
    delta = new_record.diff_against(old_record, excluded_fields=["version", *excluded_fields])
    changes = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        old, new = change.old, change.new
        if field.is_relation:
            # The related rows themselves, not their ids (select them with the records).
            old, new = getattr(old_record, field.name), getattr(new_record, field.name)
        changes.append(
            Change(
                field=str(field.verbose_name),
                old=_display(model, change.field, old),
                new=_display(model, change.field, new),
            )
        )
    return changes


def _subject(model, record) -> str:
    # Not `record.instance`: it reads the fields history leaves out from the
    # live row, one query per record. The tracked fields are enough to name it.
    return str(
        model(**{field.attname: getattr(record, field.attname) for field in record.tracked_fields})
    )


def history_of(model, records, *, excluded_fields=()) -> list[HistoryEntry]:
    """Turn history records (of one or more objects, any order) into entries,
    newest first, each with its field changes: one pass, no extra queries.

    `excluded_fields`: fields the page tells elsewhere; a change of those
    alone is no entry."""
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    previous: dict = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = changes_between(model, before, record, excluded_fields) if before else []
        if record.history_type != "~" or changes:
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=record.history_user,
                    subject=_subject(model, record),
                    kind=record.history_type,
                    changes=changes,
                )
            )
        previous[record.id] = record
    entries.reverse()
    return entries
