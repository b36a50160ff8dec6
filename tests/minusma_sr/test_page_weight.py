"""What a browser on a slow link receives, in bytes: the main pages of the
demo data, compressed as the portal sends them, with the style sheets,
scripts and icons they name, compressed as whitenoise sends them
(docs/performance.md, "Page weight").

- A first visit (nothing cached) stays under 60 KB for the dashboard, the
  projects list and a project page.
- A repeat visit stays under 15 KB: static files have names that change with
  their content and are cached for good, so only the page itself comes again.
- htmx is loaded only by the pages that use it.

The demo data is seeded once for the module and rolled back at the end."""

import gzip
import io
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from projects.models import Project

FIRST_VISIT_BUDGET = 60 * 1024
REPEAT_VISIT_BUDGET = 15 * 1024


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", password="demo-password-1", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.django_db]


class _Assets(HTMLParser):
    """The static files a page makes a browser fetch at once: style sheets
    (print included: browsers fetch them too), scripts, icons, manifest."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            rel = set((attrs.get("rel") or "").split())
            if rel & {"stylesheet", "icon", "manifest"}:
                self.urls.append(attrs["href"])


def _is_static(url: str) -> bool:
    return url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL)


def _static_bytes(url: str) -> bytes:
    name = re.sub(r"^/?" + re.escape(settings.STATIC_URL), "", url)
    path = finders.find(name)
    assert path, f"{url} is not a static file"
    with open(path, "rb") as file:
        return file.read()


def _compressed(content: bytes) -> int:
    # As whitenoise compresses static files at collectstatic (level 9).
    return len(gzip.compress(content, compresslevel=9))


def weigh(client, url: str) -> dict:
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    parser = _Assets()
    parser.feed(html)
    assets = {
        asset: _compressed(_static_bytes(asset)) for asset in parser.urls if _is_static(asset)
    }
    # What a view sends (the web app manifest) is counted as sent, on every
    # visit: no long cache lifetime is assumed for it.
    sent = {
        asset: len(client.get(asset, HTTP_ACCEPT_ENCODING="gzip").content)
        for asset in parser.urls
        if not _is_static(asset)
    }
    page = len(response.content) + sum(sent.values())
    return {
        "html": html,
        "page": page,
        "assets": assets | sent,
        "first": page + sum(assets.values()),
        # Static files come from the browser's cache on a repeat visit.
        "repeat": page,
    }


def _pages():
    project = (
        Project.objects.filter(region__code="ML-7")
        .order_by("-budget_amount", "pk")
        .only("pk")
        .first()
    )
    return {
        "dashboard": reverse("dashboard"),
        "projects": reverse("projects:list"),
        "project": reverse("projects:detail", args=[project.pk]),
    }


@pytest.mark.parametrize("username", ["gao", "hq"])
@pytest.mark.parametrize("page", ["dashboard", "projects", "project"])
def test_main_pages_stay_within_their_budgets(client, username, page):
    client.force_login(User.objects.get(username=username))
    weight = weigh(client, _pages()[page])

    assert weight["first"] < FIRST_VISIT_BUDGET, weight["assets"]
    assert weight["repeat"] < REPEAT_VISIT_BUDGET


def test_htmx_only_on_the_pages_that_use_it(client):
    client.force_login(User.objects.get(username="gao"))
    pages = _pages()

    def scripts(url):
        return [asset for asset in weigh(client, url)["assets"] if asset.endswith(".js")]

    assert any("htmx" in script for script in scripts(pages["projects"]))
    assert any("htmx" in script for script in scripts(reverse("projects:create")))
    assert not any("htmx" in script for script in scripts(pages["dashboard"]))
    assert not any("htmx" in script for script in scripts(pages["project"]))


def test_a_page_is_several_times_smaller_on_the_wire(client):
    client.force_login(User.objects.get(username="hq"))
    url = _pages()["projects"]

    plain = client.get(url)
    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in plain
    assert compressed["Vary"].count("Accept-Encoding") == 1
    assert len(compressed.content) * 4 < len(plain.content)


def test_the_page_with_the_calendar_keys_is_never_compressed(client):
    user = User.objects.get(username="gao")
    client.force_login(user)

    response = client.get(reverse("coordination:calendar"), HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert str(user.calendar_token) in response.content.decode()
