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
def _entries(script_prefix: str, urlconf: str) -> tuple[list, list, list]:
    """The navigation's (address, label) for everyone, for administrators
    and for those who manage people, under `script_prefix` and in `urlconf`:
    reversed once per process."""
    everyone = []
    for url_name, label in NAVIGATION:
        try:
            everyone.append((reverse(url_name), label))
        except NoReverseMatch:
            continue
    administrators = [(reverse("audit"), _("Audit")), (reverse("admin:index"), _("Admin"))]
    # Administrators and user managers manage people (`accounts.people`).
    people_managers = [(reverse("people:list"), _("People"))]
    return everyone, administrators, people_managers


def portal(request) -> dict:
    context = {"portal_version": settings.PORTAL_VERSION}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    everyone, administrators, people_managers = _entries(get_script_prefix(), settings.ROOT_URLCONF)
    entries = list(everyone)
    if access.can_manage_people(user):
        entries += people_managers
    if access.can_use_admin(user):
        entries += administrators
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
