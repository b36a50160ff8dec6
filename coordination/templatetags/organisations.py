"""The one way pages show an organisation: its acronym, with its full name
on hover (`<abbr title>`), or its name where it has no acronym. Lists and
choices use `Organisation.label` ("ACR — Full name")."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def organisation(value) -> str:
    """`{{ project.implementing_partner|organisation }}`; "" for none."""
    if not value:
        return ""
    if value.acronym:
        return format_html('<abbr title="{}">{}</abbr>', value.name, value.acronym)
    return format_html("{}", value.name)
