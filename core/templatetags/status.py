"""`{% status_badge value label %}`: a status as a coloured badge, one tone per
status value of every workflow (reviews, plans, projects, decisions,
progress on a priority)."""

from django import template
from django.utils.html import format_html

register = template.Library()

TONES = {
    # Reviewed records and plans
    "draft": "muted",
    "submitted": "warning",
    "returned": "danger",
    "approved": "success",
    "under_review": "warning",
    "validated": "success",
    "archived": "info",
    # Projects
    "pipeline": "muted",
    "ongoing": "info",
    "completed": "success",
    "closed": "success",
    "cancelled": "danger",
    # Decisions
    "open": "info",
    "in_progress": "warning",
    "done": "success",
    "dropped": "muted",
    # Progress on a plan priority
    "on_track": "success",
    "delayed": "warning",
    "blocked": "danger",
    # Results of a plan priority (portfolio.results)
    "behind": "danger",
    "no_data": "muted",
}


# Where a kind of record reads a status otherwise: an approved project is
# under way, not finished.
KIND_TONES = {
    "project": {"approved": "info"},
    # A due report (core.periods.DueState): sent is not yet approved.
    "due": {"upcoming": "muted", "due": "warning", "overdue": "danger", "submitted": "info"},
}


@register.simple_tag
def status_badge(value, label, kind: str = "") -> str:
    """A badge showing `label` (the status's translated name) in the tone of
    `value` (its stored code) for records of `kind`; an unknown value is muted."""
    tone = KIND_TONES.get(kind, {}).get(value) or TONES.get(value, "muted")
    return format_html('<span class="badge badge--{}">{}</span>', tone, label)
