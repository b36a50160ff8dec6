"""The review queue: what awaits a reviewer, what was returned to a submitter
(with who returned it and why), what they submitted that still awaits
review, and their drafts, across every model that uses the workflow."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import timezone

from accounts import access
from core import cached_figures
from reviews import rules, services
from reviews.models import ReviewTrail

SECTION_LIMIT = 50


def reviewable_models() -> list[type[ReviewTrail]]:
    return [model for model in apps.get_models() if issubclass(model, ReviewTrail)]


@dataclass
class Section:
    items: list = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class Filters:
    """What the queue's filter form chose: a region, a kind of record (the
    model's label, "regions.planupdate") and an age in days."""

    region: models.Model | None = None
    kind: str = ""
    older_than: int | None = None

    def apply(self, querysets, *, since: str):
        """Each of `querysets` (one per model) narrowed to the filters, its
        age measured from `since`; the models of another kind are left out."""
        for queryset in querysets:
            model = queryset.model
            if self.kind and model._meta.label_lower != self.kind:
                continue
            if self.region is not None:
                queryset = queryset.filter(**{model.REGION_PATH: self.region})
            if self.older_than is not None:
                cutoff = timezone.now() - datetime.timedelta(days=self.older_than)
                queryset = queryset.filter(**{f"{since}__lt": cutoff})
            yield queryset


def _region_of(item: ReviewTrail):
    """The item's region, through `REGION_PATH` (joined by `_collect`)."""
    record = item
    for name in item.REGION_PATH.split("__"):
        record = getattr(record, name)
    return record


def _collect(querysets, *, oldest_first_by: str) -> Section:
    """The oldest items by `oldest_first_by`, merged across models, and their
    total, so that "the N oldest of M" holds for every section: one query per
    model, and a count only for a model with more rows than the limit."""
    section = Section()
    for queryset in querysets:
        if queryset.query.is_empty():
            continue
        ordered = queryset.select_related(queryset.model.REGION_PATH).order_by(
            oldest_first_by, "pk"
        )
        rows = list(ordered[:SECTION_LIMIT])
        section.total += len(rows) if len(rows) < SECTION_LIMIT else queryset.count()
        section.items.extend(rows)

    def oldest_first(item):
        moment = getattr(item, oldest_first_by)
        return (moment is None, moment)

    section.items.sort(key=oldest_first)
    del section.items[SECTION_LIMIT:]
    for item in section.items:
        item.queue_region = _region_of(item)
    return section


def _awaiting(user):
    querysets = [
        rules.reviewable_by(model.queue_queryset().filter(model.awaiting_q()), user)
        for model in reviewable_models()
    ]
    return [queryset for queryset in querysets if not queryset.query.is_empty()]


def _returned(user):
    return [
        model.queue_queryset()
        .filter(model.returned_q(), submitted_by=user)
        .select_related("reviewed_by")
        for model in reviewable_models()
    ]


def _submitted(user):
    return [
        model.queue_queryset().filter(model.awaiting_q(), submitted_by=user)
        for model in reviewable_models()
    ]


def _drafts(user):
    return [
        model.queue_queryset().filter(model.draft_q(), created_by=user)
        for model in reviewable_models()
    ]


def _with_returns(section: Section, user) -> Section:
    """Each returned item with the event that sent it back (`return_event`:
    who, when, the comment), all read in one query; none for those who do
    not read review comments."""
    returns = services.latest_returns(section.items) if access.sees_review_comments(user) else {}
    for item in section.items:
        item.return_event = returns.get((item._meta.concrete_model, item.pk))
    return section


def queue_for(user, filters: Filters | None = None) -> dict[str, Section]:
    """The four sections of `user`'s queue narrowed to `filters`, each oldest
    first by the moment its age counts from: one query per model and section
    (and a count beyond the limit), and one for the comments of what was
    returned."""
    filters = filters or Filters()

    def section(querysets, by: str) -> Section:
        return _collect(filters.apply(querysets, since=by), oldest_first_by=by)

    return {
        "awaiting": section(_awaiting(user), "submitted_at"),
        "returned": _with_returns(section(_returned(user), "reviewed_at"), user),
        "submitted": section(_submitted(user), "submitted_at"),
        "drafts": section(_drafts(user), "updated_at"),
    }


def empty_queue() -> dict[str, Section]:
    return {name: Section() for name in ("awaiting", "returned", "submitted", "drafts")}


def pending_count(user) -> int:
    """What the navigation shows: items awaiting the user's review or returned
    to them, counted in one query (a UNION ALL over the reviewable models),
    kept in the figures cache until a record or a person changes."""
    # Read once per request (the navigation and the dashboard show it): the
    # user is the request's.
    count = getattr(user, "_review_queue_count", None)
    if count is None:
        count = cached_figures.cached("review-queue-count", lambda: _pending_count(user), user.pk)
        user._review_queue_count = count
    return count


def _pending_count(user) -> int:
    querysets = [
        queryset.order_by().values_list("pk", flat=True)
        for queryset in _awaiting(user) + _returned(user)
    ]
    if not querysets:
        return 0
    first, *rest = querysets
    return first.union(*rest, all=True).count()
