"""`{% term "approved" %}`: a figure's label, linked to its definition on the
glossary page (`portfolio.figures.glossary`), the definition also in the
link's title."""

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from portfolio.figures import Term, glossary

register = template.Library()


@lru_cache(maxsize=8)
def _terms(language: str) -> dict[str, Term]:
    # Built once per language: the definitions are fixed text.
    return {term.key: term for term in glossary()}


@register.simple_tag
def term(key: str, label=None) -> str:
    """The label of figure `key` (or `label`, where the page names it
    otherwise) as a link to its definition."""
    entry = _terms(get_language() or "fr")[key]
    return format_html(
        '<a class="term" href="{}#{}" title="{}">{}</a>',
        reverse("portfolio:glossary"),
        key,
        entry.definition,
        label if label is not None else entry.name,
    )
