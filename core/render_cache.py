"""Sections of pages rendered once and shown again until their data change.

A section is a template rendered from the context a function builds, kept in
the figures cache (`core.cached_figures`) under its version, so that the same
saves that replace the cached figures replace the sections made of them. The
key also holds the language, today's date (sections say "overdue" and count
days), and the parts the caller names: what the section shows (a project, a
page of a list, the filters chosen) and who may see it (`accounts.access.audience`,
given by the caller). Keys stay bounded: the caller passes no free text a
person typed, and renders the section afresh (`render_section`) instead.

A section is rendered without the request: no context processor runs, so it
cannot show who is signed in, their messages or a CSRF token, which belong to
one person; a section whose HTML holds a form's token is refused
(`SectionError`) rather than shown to somebody else.
"""

import hashlib
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from core import cached_figures

# The field of a form's CSRF token, which must never be kept for others.
CSRF_MARKUP = 'name="csrfmiddlewaretoken"'


class SectionError(Exception):
    """A section holds what belongs to one person."""


def render_section(template: str, context: dict) -> SafeString:
    """`template` rendered without the request, as `section` renders it."""
    return render_to_string(template, context)


def _kept(template: str, context: dict) -> SafeString:
    html = render_section(template, context)
    # As markup: text a person typed has its quotes escaped.
    if CSRF_MARKUP in html:
        raise SectionError(f"{template} holds a CSRF token: it cannot be kept for others.")
    return html


def _parts(parts) -> tuple:
    return (translation.get_language(), timezone.localdate().isoformat(), *parts)


def section(name: str, template: str, context: Callable[[], dict], *parts) -> SafeString:
    """The HTML of `template` with the context `context()` returns, or what it
    was last time for the same `name`, language, day and `parts`, if nothing
    watched has changed since. Nothing of `context()` is computed when the
    section is kept already."""
    return cached_figures.cached(
        f"section:{name}", lambda: _kept(template, context()), *_parts(parts)
    )


def kept(name: str, *parts) -> SafeString | None:
    """The section `section` keeps for `name` and `parts`, or None: for a
    view that would otherwise check the request before it knows the key."""
    return cached_figures.kept(f"section:{name}", *_parts(parts))


def digest(text: str) -> str:
    """A short key part for a longer text (a canonical query string)."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
