from django.conf import settings
from django.urls import NoReverseMatch, reverse
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


def portal(request) -> dict:
    context = {"portal_version": settings.PORTAL_VERSION}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    items = []
    for url_name, label in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": _is_active(request.path, url)})
    if access.can_use_admin(user):
        audit_url = reverse("audit")
        items.append(
            {"url": audit_url, "label": _("Audit"), "active": request.path.startswith(audit_url)}
        )
    if access.can_use_admin(user):
        admin_url = reverse("admin:index")
        items.append(
            {"url": admin_url, "label": _("Admin"), "active": request.path.startswith(admin_url)}
        )
    context["nav_items"] = items
    context["review_queue_count"] = queue.pending_count(user)
    return context


def _is_active(path: str, url: str) -> bool:
    if url == "/":
        return path == "/"
    return path.startswith(url)
