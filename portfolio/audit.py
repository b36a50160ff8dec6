"""The audit of who changed what: the history records of every model that keeps
history (plans, projects, money, decisions, users …), newest first.

The page never loads a history table into Python. One query, a UNION ALL over
the historical tables of the date, kind and number of each record that passes
the filters, sorted and cut into a page by the database (and one to count
them); then, for each kind of record on the page, one query that reads those
records together with the record before each (what they changed from), one per
many-to-many field kept in history (a user's groups and permissions), and one
per kind of related row that a change names (the region before and after …).
"""

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from accounts import access
from accounts.models import User
from accounts.roles import Role
from core.forms import Form, ModelChoiceField
from core.history import Change

PAGE_SIZE = 50

# Bookkeeping that changes with every edit and means nothing to a reader.
HIDDEN_FIELDS = {"version"}

# How long a value may be on the page before it is cut (narratives, minutes).
VALUE_LENGTH = 160


def can_read(user) -> bool:
    """The audit is for administrators: staff who are also superusers."""
    return access.can_use_admin(user)


# --- The audited models -----------------------------------------------------------


def _period(record) -> str:
    return f"{date_format(record.period_start, 'SHORT_DATE_FORMAT')} – " + date_format(
        record.period_end, "SHORT_DATE_FORMAT"
    )


# The page a record is seen on: (URL name, the field holding the number in the
# URL, what follows the address). Money and a project's parts are shown on the project's page.
PAGES = {
    "accounts.user": ("admin:accounts_user_change", "id", ""),
    "regions.regionalplan": ("regions:plan", "id", ""),
    "regions.planpriority": ("regions:plan", "plan_id", ""),
    "regions.planupdate": ("regions:update", "id", ""),
    "regions.priorityprogress": ("regions:update", "update_id", ""),
    "coordination.organisation": ("coordination:organisation", "id", ""),
    "coordination.coordinationbody": ("coordination:body", "id", ""),
    "coordination.membership": ("coordination:body", "body_id", ""),
    "coordination.meeting": ("coordination:meeting", "id", ""),
    "coordination.decision": ("coordination:decision", "id", ""),
    "funding.exchangerate": ("funding:rate_list", None, "?currency={currency}"),
    # A mechanism's rules and their changes are on its page; its windows and
    # tranche steps are edited with it in admin.
    "funding.mechanism": ("funding:detail", "code", "#rules"),
    "funding.window": ("admin:funding_mechanism_change", "mechanism_id", ""),
    "funding.tranchestep": ("admin:funding_mechanism_change", "mechanism_id", ""),
    "funding.contribution": ("funding:contribution_detail", "id", ""),
    "funding.deposit": ("funding:contribution_detail", "contribution_id", ""),
    "funding.fundingapproval": ("projects:detail", "project_id", "#money"),
    "funding.tranche": ("projects:detail", "project_id", "#money"),
    "funding.expenditure": ("projects:detail", "project_id", "#money"),
    "projects.project": ("projects:detail", "id", ""),
    "projects.location": ("projects:detail", "project_id", "#locations"),
    "projects.indicator": ("projects:detail", "project_id", "#indicators"),
    "projects.indicatorreport": ("projects:indicator_report", "id", ""),
    "projects.progressreport": ("projects:progress_report", "id", ""),
}

# How to name a record whose own `__str__` reads related rows (one query per
# record): from its own fields only.
NAMES = {
    "regions.planupdate": _period,
    "regions.priorityprogress": lambda record: record.get_status_display(),
    "coordination.membership": lambda record: record.get_role_display(),
    "coordination.meeting": lambda record: date_format(
        timezone.localtime(record.starts_at), "SHORT_DATE_FORMAT"
    ),
    "funding.window": lambda record: record.name,
    "funding.contribution": lambda record: (
        f"{record.amount} {record.currency} ({date_format(record.pledged_on, 'SHORT_DATE_FORMAT')})"
    ),
    "projects.indicatorreport": _period,
    "projects.progressreport": _period,
}


def audited_models() -> dict[str, type[models.Model]]:
    """Every model that keeps history, by "app_label.model", in the order of the
    apps: a model given history later appears here without registration."""
    return {
        model._meta.label_lower: model
        for model in apps.get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    }


def _history_model(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model


# --- The filters ---------------------------------------------------------------------


class AuditFilter(Form):
    who = ModelChoiceField(
        label=gettext_lazy("Who"),
        queryset=User.objects.order_by("username"),
        required=False,
        empty_label=gettext_lazy("Anybody"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of record"), required=False)
    record = forms.IntegerField(
        label=gettext_lazy("Record number"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("With a kind of record: the changes to that one record."),
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].label_from_instance = lambda user: f"{user} ({user.username})"
        kinds = [
            (key, capfirst(model._meta.verbose_name_plural))
            for key, model in audited_models().items()
        ]
        kinds.sort(key=lambda choice: str(choice[1]))
        self.fields["kind"].choices = [("", _("Every kind of record")), *kinds]

    def clean(self):
        data = super().clean()
        if data.get("record") and not data.get("kind"):
            self.add_error("record", ValidationError(_("Choose the kind of record too.")))
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", ValidationError(_("The end comes before the start.")))
        return data


@dataclass(frozen=True)
class Criteria:
    who: User | None = None
    kind: str = ""
    record: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None

    @classmethod
    def from_form(cls, form: AuditFilter) -> "Criteria":
        data = form.cleaned_data
        return cls(
            who=data.get("who"),
            kind=data.get("kind") or "",
            record=data.get("record"),
            since=data.get("since"),
            until=data.get("until"),
        )

    def history_filter(self) -> Q:
        q = Q()
        if self.who is not None:
            q &= Q(history_user_id=self.who.pk)
        if self.record is not None:
            q &= Q(id=self.record)
        if self.since is not None:
            q &= Q(history_date__gte=_start_of(self.since))
        if self.until is not None:
            q &= Q(history_date__lt=_start_of(self.until + datetime.timedelta(days=1)))
        return q


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- The page ---------------------------------------------------------------------------


@dataclass
class AuditEntry:
    at: datetime.datetime
    user: User | None
    kind: str  # "app_label.model"
    kind_label: str
    record_id: int
    name: str
    url: str | None
    action: str  # simple-history's "+" created, "~" changed, "-" deleted
    reason: str
    # Whether there is a record before this one to compare it with.
    compared: bool = False
    changes: list[Change] = field(default_factory=list)


def _selection(criteria: Criteria):
    """The date, kind and number of every history record that passes
    `criteria`, newest first: one UNION ALL query."""
    keys = audited_models()
    if criteria.kind:
        keys = {criteria.kind: keys[criteria.kind]}
    condition = criteria.history_filter()
    selections = [
        _history_model(model)
        .objects.filter(condition)
        .order_by()
        .annotate(audit_kind=Value(key, output_field=CharField()))
        .values("history_date", "audit_kind", "history_id")
        for key, model in keys.items()
    ]
    first, *rest = selections
    rows = first.union(*rest, all=True) if rest else first
    return rows.order_by("-history_date", "-audit_kind", "-history_id")


def changes_page(criteria: Criteria, number) -> tuple[Page, list[AuditEntry]]:
    """The requested page (the last for a number out of range) of the records
    that pass `criteria`, newest first, and its entries."""
    page = Paginator(_selection(criteria), PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    return page, _entries(page.object_list)


# Records read together for a file of every change: as many queries as a
# page for each batch (the records of each kind, of each related kind).
EXPORT_BATCH = 1000


def all_changes(criteria: Criteria) -> Iterator[AuditEntry]:
    """Every entry that passes `criteria`, newest first, read in batches of
    `EXPORT_BATCH` as a page is (the audit's file)."""
    rows = _selection(criteria).iterator(chunk_size=EXPORT_BATCH)
    while batch := list(itertools.islice(rows, EXPORT_BATCH)):
        yield from _entries(batch)


def _entries(rows: list[dict]) -> list[AuditEntry]:
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row["audit_kind"], []).append(row["history_id"])
    models_by_key = audited_models()
    found, previous, m2m = {}, {}, {}
    for key, ids in by_kind.items():
        records, before = _with_previous(models_by_key[key], ids)
        found[key], previous[key] = records, before
        m2m[key] = _m2m_values(models_by_key[key], [*records.values(), *before.values()])
    raw = {
        (key, history_id): _raw_changes(record, previous[key].get(history_id), m2m[key])
        for key, records in found.items()
        for history_id, record in records.items()
    }
    related = _related_rows(raw.values())
    entries = []
    for row in rows:
        key, history_id = row["audit_kind"], row["history_id"]
        record = found[key].get(history_id)
        if record is None:  # gone since the page was counted
            continue
        model = models_by_key[key]
        entries.append(
            AuditEntry(
                at=record.history_date,
                user=record.history_user,
                kind=key,
                kind_label=capfirst(model._meta.verbose_name),
                record_id=record.id,
                name=_name(key, model, record),
                url=_url(key, record) if record.still_exists else None,
                action=record.history_type,
                reason=record.history_change_reason or "",
                compared=history_id in previous[key],
                changes=[
                    Change(label, _display(f, old, related), _display(f, new, related))
                    for label, f, old, new in raw[(key, history_id)]
                ],
            )
        )
    return entries


def _with_previous(model, history_ids: list[int]) -> tuple[dict, dict]:
    """The history records `history_ids` of `model`, and for each the record of
    the same object just before it, in one query."""
    history = _history_model(model)
    before = (
        history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    page = history.objects.filter(history_id__in=history_ids).order_by()
    # A UNION rather than "in these or in those": an OR over a subquery makes
    # the database read the whole table.
    both = page.values("history_id").union(
        page.annotate(previous_id=Subquery(before)).values("previous_id"), all=True
    )
    rows = list(
        history.objects.filter(history_id__in=both)
        .select_related("history_user")
        .annotate(still_exists=Exists(model._base_manager.filter(pk=OuterRef("id"))))
    )
    wanted = set(history_ids)
    records = {row.history_id: row for row in rows if row.history_id in wanted}
    by_object: dict[int, list] = {}
    for row in sorted(rows, key=lambda row: row.history_id):
        by_object.setdefault(row.id, []).append(row)
    before_each = {}
    for versions in by_object.values():
        for older, newer in zip(versions, versions[1:], strict=False):
            if newer.history_id in wanted:
                before_each[newer.history_id] = older
    return records, before_each


def _m2m_values(model, records: list) -> dict:
    """{(field name, history id): labels} of the many-to-many fields `model`
    keeps in history (a user's groups and permissions): one query per field."""
    history = _history_model(model)
    values = {}
    ids = [record.history_id for record in records]
    for m2m_field in getattr(history, "_history_m2m_fields", []):
        snapshot = HistoricalRecords.m2m_models[m2m_field]
        target = m2m_field.m2m_reverse_field_name()
        target_model = m2m_field.related_model
        joins = [target] + [
            f"{target}__{fk.name}"
            for fk in target_model._meta.concrete_fields
            if fk.many_to_one and not fk.null
        ]
        for history_id in ids:
            values[(m2m_field.name, history_id)] = []
        for row in snapshot.objects.filter(history_id__in=ids).select_related(*joins):
            related = getattr(row, target)
            values[(m2m_field.name, row.history_id)].append(_m2m_label(related))
    return values


def _m2m_label(row) -> str:
    if row is None:
        return "—"
    if isinstance(row, Group) and row.name in Role.values:
        return str(Role(row.name).label)
    return str(row)


def _raw_changes(record, before, m2m: dict) -> list[tuple]:
    """(label, field, old, new) of each field that differs from `before`;
    nothing for a record that has no record before it."""
    if before is None or record.history_type != "~":
        return []
    changes = []
    for model_field in record.tracked_fields:
        if model_field.name in HIDDEN_FIELDS:
            continue
        old, new = getattr(before, model_field.attname), getattr(record, model_field.attname)
        if old != new:
            changes.append((str(capfirst(model_field.verbose_name)), model_field, old, new))
    for m2m_field in getattr(record, "_history_m2m_fields", []):
        old = sorted(m2m.get((m2m_field.name, before.history_id), []))
        new = sorted(m2m.get((m2m_field.name, record.history_id), []))
        if old != new:
            changes.append((str(capfirst(m2m_field.verbose_name)), None, old, new))
    return changes


def _related_rows(all_changes) -> dict:
    """{(model, pk): row} of the related rows the changes name, one query per
    kind of row."""
    wanted: dict[type, set] = {}
    for changes in all_changes:
        for _label, model_field, old, new in changes:
            if model_field is not None and model_field.is_relation:
                wanted.setdefault(model_field.related_model, set()).update(
                    value for value in (old, new) if value is not None
                )
    related = {}
    for model, pks in wanted.items():
        # All non-null foreign keys joined, since `__str__` often names them.
        for row in model._base_manager.select_related().filter(pk__in=pks):
            related[(model, row.pk)] = row
    return related


def _display(model_field, value, related: dict) -> str:
    if model_field is None:  # many-to-many: a list of labels
        return ", ".join(value) if value else "—"
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        row = related.get((model_field.related_model, value))
        return str(row) if row is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return f"{value:f}"
    return Truncator(str(value)).chars(VALUE_LENGTH)


def _instance(model, record):
    # Not `record.instance`: it reads the fields history leaves out from the
    # live row, one query per record. The tracked fields are enough to name it.
    return model(**{f.attname: getattr(record, f.attname) for f in record.tracked_fields})


def _name(key: str, model, record) -> str:
    instance = _instance(model, record)
    name = NAMES.get(key, str)(instance)
    return str(name)


def _url(key: str, record) -> str | None:
    page = PAGES.get(key)
    if page is None:
        return None
    url_name, attname, suffix = page
    if attname is None:
        return reverse(url_name) + suffix.format(currency=getattr(record, "currency", ""))
    value = getattr(record, attname)
    if value is None:
        return None
    return reverse(url_name, args=[value]) + suffix
