"""The pieces of a list's filters: `{% active_filters form action as chips %}`
(the filters a form was sent, as removable chips: `core.lists.active_filters`),
`{% filter_groups form extra as groups %}` (the main filters and the folded
ones: `core.lists.filter_groups`) and `{% saved_filters form action extra %}`
(the person's saved filters of the list and the form saving the current ones:
`core.saved_filters`)."""

from django import template
from django.forms import BoundField

from core import saved_filters as saved
from core.lists import active_filters as chips_of
from core.lists import filter_groups as groups_of

register = template.Library()


@register.simple_tag
def active_filters(form, action: str = ""):
    return chips_of(form, action) if form is not None else []


@register.simple_tag
def filter_groups(form, extra=None):
    return groups_of(form, extra)


@register.inclusion_tag("core/_saved_filters.html", takes_context=True)
def saved_filters(context, form, action: str, extra=None):
    request = context.get("request")
    if request is None:
        return {"shown": False}
    params = [bound.html_name for bound in form]
    if isinstance(extra, BoundField):  # A template's missing variable is "".
        params.append(extra.html_name)
    return {**saved.block(request, action, params), "csrf_token": context.get("csrf_token")}
