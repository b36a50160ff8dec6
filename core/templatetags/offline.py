"""`{% device_key %}`: the opaque name under which this device keeps the
signed-in person's pages and drafts (core.offline.device_key)."""

from django import template

from core import offline

register = template.Library()


@register.simple_tag(takes_context=True)
def device_key(context) -> str:
    return offline.device_key(context.get("user"))
