"""`{% active_filters form action as chips %}`: the filters a list's form was
sent, as removable chips (`core.lists.active_filters`)."""

from django import template

from core.lists import active_filters as chips_of

register = template.Library()


@register.simple_tag
def active_filters(form, action: str = ""):
    return chips_of(form, action) if form is not None else []
