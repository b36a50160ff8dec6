"""Addresses of records built without resolving the URL configuration for
each one: a list of a thousand projects links to each of them.

`by_key("projects:detail")` reverses the route once, with a placeholder key,
and then only puts each record's key in its place. The result is the same
as `reverse(url_name, args=[key])` for the keys such routes take (integers,
codes of letters, digits and hyphens), under the script prefix of the
request being answered."""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import get_script_prefix, reverse

# Appears in no route: the place of the key in the reversed address.
_PLACEHOLDER = "0123456789"


def by_key(url_name: str) -> Callable[[object], str]:
    """A function of a record's key (its primary key or code) that returns
    the address of `url_name` for it."""
    templates: dict[str, tuple[str, str]] = {}

    def address(key) -> str:
        prefix = get_script_prefix()
        parts = templates.get(prefix)
        if parts is None:
            before, _placeholder, after = reverse(url_name, args=[_PLACEHOLDER]).partition(
                _PLACEHOLDER
            )
            parts = templates[prefix] = (before, after)
        text = str(key) if type(key) is int else quote(str(key), safe="")
        return f"{parts[0]}{text}{parts[1]}"

    return address
