"""The review queue: what awaits a reviewer, what was returned to a submitter,
and their drafts, across every model that uses the workflow."""

from dataclasses import dataclass, field

from django.apps import apps

from core import cached_figures
from reviews import rules
from reviews.models import ReviewTrail

SECTION_LIMIT = 50


def reviewable_models() -> list[type[ReviewTrail]]:
    return [model for model in apps.get_models() if issubclass(model, ReviewTrail)]


@dataclass
class Section:
    items: list = field(default_factory=list)
    total: int = 0


def _collect(querysets, *, oldest_first_by: str) -> Section:
    """Count every model's items and keep the oldest by `oldest_first_by`,
    merged across models, so that "the N oldest of M" holds for every section."""
    section = Section()
    for queryset in querysets:
        section.total += queryset.count()
        section.items.extend(queryset.order_by(oldest_first_by, "pk")[:SECTION_LIMIT])
    section.items.sort(key=lambda item: getattr(item, oldest_first_by))
    del section.items[SECTION_LIMIT:]
    return section


def _awaiting(user):
    querysets = [
        rules.reviewable_by(model.queue_queryset().filter(model.awaiting_q()), user)
        for model in reviewable_models()
    ]
    return [queryset for queryset in querysets if not queryset.query.is_empty()]


def _returned(user):
    return [
        model.queue_queryset().filter(model.returned_q(), submitted_by=user)
        for model in reviewable_models()
    ]


def _drafts(user):
    return [
        model.queue_queryset().filter(model.draft_q(), created_by=user)
        for model in reviewable_models()
    ]


def queue_for(user) -> dict[str, Section]:
    """The three sections of `user`'s queue: two queries per model and section."""
    return {
        "awaiting": _collect(_awaiting(user), oldest_first_by="submitted_at"),
        "returned": _collect(_returned(user), oldest_first_by="reviewed_at"),
        "drafts": _collect(_drafts(user), oldest_first_by="updated_at"),
    }


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
