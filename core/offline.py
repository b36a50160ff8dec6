"""The portal on a device with poor connectivity: the service worker that keeps
the pages an officer opened, and the page of the drafts saved on the device
while offline (static/js/sw.js and static/js/offline-drafts.js; the web app
manifests that make the portal installable are static files,
static/manifest-<language>.json; docs/security.md, "What a device keeps
offline")."""

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# What every officer's device keeps whoever they are: public, unchanging files.
PRECACHED_STATIC = (
    "css/portal.css",
    "css/print.css",
    "js/offline-drafts.js",
    "favicon.svg",
    "icons/icon-192.png",
)


def device_key(user) -> str:
    """The opaque name under which a device keeps one person's pages and
    drafts: the same for that person in every session (drafts survive a
    session that ran out while offline), different for everyone else, and
    meaningless without the secret key. Empty when nobody is signed in."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac("core.offline.device_key", str(user.pk)).hexdigest()[:32]


def _read_worker_source() -> str:
    with open(finders.find("js/sw.js"), encoding="utf-8") as source:
        return source.read()


_cached_worker_source = functools.cache(_read_worker_source)


def _worker_source() -> str:
    # Read once a process, except in development, where it is being edited.
    return _read_worker_source() if settings.DEBUG else _cached_worker_source()


def _worker_script() -> str:
    """The worker's source, after the addresses it needs: the static files it
    keeps (their hashed names in production) and the pages it must never
    keep. Their digest names the worker's static cache, so a deployment that
    changes any of them replaces the worker and its cache."""
    config = {
        "static": [static(name) for name in PRECACHED_STATIC],
        "staticPrefix": static(""),
        "draftsUrl": reverse("offline_drafts"),
        # Django admin is never kept, nor even looked at.
        "never": [reverse("admin:index")],
    }
    source = _worker_source()
    digest = hashlib.sha256((json.dumps(config) + source).encode()).hexdigest()[:12]
    config["version"] = digest
    return f"self.PORTAL_OFFLINE = {json.dumps(config)};\n{source}"


@require_safe
@never_cache
def service_worker(request):
    """static/js/sw.js, served from the root so that its scope is the whole
    portal. The same script for everyone: it holds nobody's data."""
    response = HttpResponse(_worker_script(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_required
@require_safe
def drafts(request):
    """The drafts that wait on this device. The list is read from the device
    by static/js/offline-drafts.js; without JavaScript nothing is kept on the
    device, and the page says so."""
    return render(request, "core/offline_drafts.html")
