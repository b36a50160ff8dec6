import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from accounts import access
from reviews import queue

# The main navigation. An entry appears once its page exists, so that later
# features only need to add their URLs.
NAVIGATION = [
    ("dashboard", _("Dashboard")),
    ("regions:plans", _("Plans")),
    ("projects:list", _("Projects")),
    ("funding:list", _("Funding")),
    ("coordination:home", _("Coordination")),
    ("regions:list", _("Regions")),
    ("reviews:queue", _("My queue")),
]


@functools.cache
def _entries(script_prefix: str, urlconf: str) -> tuple[list, list]:
    """The navigation's (address, label) for everyone, then for
    administrators, under `script_prefix` and in `urlconf`: reversed once
    per process."""
    everyone = []
    for url_name, label in NAVIGATION:
        try:
            everyone.append((reverse(url_name), label))
        except NoReverseMatch:
            continue
    administrators = [(reverse("audit"), _("Audit")), (reverse("admin:index"), _("Admin"))]
    return everyone, administrators


def portal(request) -> dict:
    context = {"portal_version": settings.PORTAL_VERSION}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    everyone, administrators = _entries(get_script_prefix(), settings.ROOT_URLCONF)
    entries = everyone + administrators if access.can_use_admin(user) else everyone
    context["nav_items"] = [
        {"url": url, "label": label, "active": _is_active(request.path, url)}
        for url, label in entries
    ]
    context["review_queue_count"] = queue.pending_count(user)
    return context


def _is_active(path: str, url: str) -> bool:
    if url == "/":
        return path == "/"
    return path.startswith(url)
