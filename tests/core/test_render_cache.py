"""What every signed-in page costs before its own work, and the sections of
pages kept in the figures cache (`core.render_cache`): each reads for every
role exactly as if rendered for that role, and shows a change at once."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.roles import Role
from core import render_cache
from projects.models import Location, Project
from reviews import services as review_services
from tests.factories import (
    ExpenditureFactory,
    FundingApprovalFactory,
    LocationFactory,
    PlanFactory,
    PriorityFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    """A figures cache as with Redis (one per test)."""
    settings.CACHES = {
        **django_settings.CACHES,
        "figures": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"figures-{uuid.uuid4().hex}",
        },
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


# --- The fixed cost of a signed-in page --------------------------------------------


def test_a_request_soon_after_the_last_renewal_writes_no_session(gao_officer):
    client = _client(gao_officer)
    session = Session.objects.get()
    signed_in_until = session.expire_date

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        queries = _queries(client, "/regions/")

    assert not [sql for sql in queries if "django_session" in sql and "UPDATE" in sql]
    assert Session.objects.get().expire_date == signed_in_until


def test_a_request_once_a_tenth_of_the_idle_time_has_passed_renews_the_session(gao_officer):
    client = _client(gao_officer)
    later = timezone.now() + datetime.timedelta(seconds=django_settings.SESSION_RENEW_AFTER + 1)

    with time_machine.travel(later):
        assert client.get("/regions/").status_code == 200

    # Renewed from that request on, for the whole idle time.
    renewed_until = Session.objects.get().expire_date
    assert renewed_until >= later + datetime.timedelta(
        seconds=django_settings.SESSION_COOKIE_AGE - 5
    )


def test_every_cache_alias_of_one_server_shares_one_redis_client():
    location = "redis://127.0.0.1:6379/15"
    backend = "core.cache.SharedPoolRedisCache"
    aliases = {
        "default": {"BACKEND": backend, "LOCATION": location},
        "figures": {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": "figures"},
    }
    with override_settings(CACHES=aliases):
        # Building a client opens no connection: no Redis server is needed.
        first = caches["default"]._cache.get_client(write=True)
        assert caches["figures"]._cache.get_client() is first
        assert caches["default"]._cache.get_client() is first


def test_the_user_their_role_and_queue_count_are_read_once_until_they_change(
    shared_cache, gao_officer
):
    client = _client(gao_officer)
    first = _queries(client, "/regions/")
    again = _queries(client, "/regions/")

    # The user, their role (their groups) and the queue's count (a UNION ALL).
    assert len(first) - len(again) == 3
    read_again = [
        sql
        for sql in again
        if "auth_group" in sql or "UNION ALL" in sql or 'FROM "accounts_user"' in sql
    ]
    assert not read_again

    gao_officer.groups.set([Group.objects.get(name=Role.VIEWER.value)])

    assert "You are signed in as Partner / viewer." in client.get("/").text


def test_the_review_queue_count_follows_a_submission_at_once(shared_cache, hq_user, gao_officer):
    reviewer = _client(hq_user)
    report = ProgressReportFactory(project=ProjectFactory(status="ongoing"), created_by=gao_officer)
    assert reviewer.get("/").context["review_queue_count"] == 0

    review_services.submit(report, by=gao_officer)

    assert reviewer.get("/").context["review_queue_count"] == 1


# --- Sections of pages --------------------------------------------------------------


def test_a_section_holding_a_csrf_token_is_never_kept(monkeypatch):
    monkeypatch.setattr(
        render_cache,
        "render_to_string",
        lambda template, context: '<input type="hidden" name="csrfmiddlewaretoken" value="s">',
    )

    with pytest.raises(render_cache.SectionError):
        render_cache.section("form", "any.html", dict)


def test_a_section_is_computed_once_then_read(shared_cache):
    built = []

    def context():
        built.append(1)
        return {}

    for _reading in range(3):
        # The pagination without a page: an empty section.
        html = render_cache.section("probe", "_pagination.html", context, 1)

    assert built == [1]
    assert html.strip() == ""


@pytest.fixture
def pages(db, gao_officer):
    """Records in Gao in several states, with money and a sensitive place, and
    the pages made of them."""
    plan = PlanFactory(status="validated")
    priority = PriorityFactory(plan=plan)
    projects = {
        state: ProjectFactory(status=state, priority=priority, title=f"Projet {state} de Gao")
        for state in ("pipeline", "submitted", "approved", "ongoing")
    }
    ongoing = projects["ongoing"]
    FundingApprovalFactory(project=ongoing)
    TrancheFactory(project=ongoing)
    ExpenditureFactory(project=ongoing)
    LocationFactory(
        project=ongoing, place="Site protégé", sensitivity=Location.Sensitivity.SENSITIVE
    )
    ProgressReportFactory(project=ongoing, created_by=gao_officer, narrative="Brouillon de Gao")
    return {
        "dashboard": "/",
        "projects list": "/projects/",
        "projects list, filtered": f"/projects/?region={ongoing.region_id}&status=ongoing",
        "project page": f"/projects/{ongoing.pk}/",
        "draft project page": f"/projects/{projects['pipeline'].pk}/",
        "plan page": f"/plans/{plan.pk}/",
        "funding ledger": f"/funding/{ongoing.mechanism.code}/",
    }


# Each role is read after a page was kept for one of these others.
ROLES = (
    "hq_user",
    "fund_manager",
    "gao_officer",
    "mopti_officer",
    "viewer",
    "no_role_user",
    "admin_user",
)
WARMED_BY = ("hq_user", "gao_officer", "viewer")
PAGES = (
    "dashboard",
    "projects list",
    "projects list, filtered",
    "project page",
    "draft project page",
    "plan page",
    "funding ledger",
)
VARIES = re.compile(r'"X-CSRFToken": "[^"]*"|(nonce|value)="[^"]*"')


def _read(client, url) -> tuple[int, str]:
    response = client.get(url)
    # A CSP nonce and a CSRF token differ at every request.
    return response.status_code, VARIES.sub("", response.content.decode())


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("warmer", WARMED_BY)
@pytest.mark.parametrize("role", ROLES)
def test_a_page_kept_for_one_role_reads_for_another_as_if_rendered_for_them(
    shared_cache, request, pages, page, warmer, role
):
    url = pages[page]
    reader = _client(request.getfixturevalue(role))
    cache = caches["figures"]

    cache.clear()
    rendered_for_them = _read(reader, url)
    cache.clear()
    _client(request.getfixturevalue(warmer)).get(url)

    assert _read(reader, url) == rendered_for_them


def test_a_kept_page_makes_fewer_queries_and_no_more_as_rows_grow(shared_cache, pages, hq_user):
    client = _client(hq_user)
    url = pages["project page"]
    cold = _queries(client, url)
    warm = _queries(client, url)
    for _more in range(5):
        LocationFactory(project=Project.objects.get(title="Projet ongoing de Gao"))
    _queries(client, url)  # the change is read once

    # The session and the user, the project, the steps the person may take
    # (its open reports): what no section keeps.
    assert len(warm) <= 6 < len(cold)
    assert len(_queries(client, url)) == len(warm)


CHANGES = {
    # page → (how the data change, what the page then shows)
    "project page": (
        lambda: LocationFactory(
            project=Project.objects.get(title="Projet ongoing de Gao"), place="Nouveau site"
        ),
        "Nouveau site",
    ),
    "plan page": (
        lambda: PriorityFactory(
            plan=Project.objects.get(title="Projet ongoing de Gao").priority.plan,
            title="Axe ajouté",
        ),
        "Axe ajouté",
    ),
    "projects list": (
        lambda: ProjectFactory(status="ongoing", title="Projet tout neuf"),
        "Projet tout neuf",
    ),
    "funding ledger": (
        lambda: FundingApprovalFactory(
            project=ProjectFactory(status="ongoing", title="Projet financé")
        ),
        "Projet financé",
    ),
    "dashboard": (
        lambda: [ProjectFactory(status="ongoing") for _n in range(7)],
        # The four projects of `pages` and the seven new ones.
        '<span class="stat__value">11</span>',
    ),
}


@pytest.mark.parametrize("page", CHANGES)
def test_a_kept_page_shows_a_change_at_once(shared_cache, pages, hq_user, page):
    client = _client(hq_user)
    change, shown = CHANGES[page]
    assert shown not in client.get(pages[page]).text  # now kept

    change()

    assert shown in client.get(pages[page]).text


def test_the_signed_in_user_is_read_once_until_a_user_changes(shared_cache, gao_officer):
    client = _client(gao_officer)
    client.get("/regions/")
    again = _queries(client, "/regions/")
    assert not [sql for sql in again if 'FROM "accounts_user"' in sql]

    gao_officer.is_active = False
    gao_officer.save()

    # Deactivated: signed out at once.
    response = client.get("/regions/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_kept_list_is_shown_without_checking_its_filters_again(shared_cache, pages, hq_user):
    client = _client(hq_user)
    url = pages["projects list, filtered"]
    client.get(url)

    again = _queries(client, url)

    # Neither the regions nor the projects are read: only the session is.
    assert not [sql for sql in again if "regions_region" in sql or "projects_project" in sql]


def test_a_list_searched_for_typed_text_is_never_kept(shared_cache, pages, hq_user):
    client = _client(hq_user)
    client.get("/projects/", {"q": "Projet ongoing"})

    keys = list(caches["figures"]._cache)
    assert not [key for key in keys if "project-list" in key or "project-table" in key]
    assert "Projet ongoing de Gao" in client.get("/projects/", {"q": "Projet ongoing"}).text


def test_a_dashboard_filter_with_errors_is_shown_and_never_kept(shared_cache, pages, hq_user):
    client = _client(hq_user)

    response = client.get("/", {"year": "1850"})

    assert "Select a valid choice" in response.text
    client.get("/")  # the portfolio of every year, kept
    assert "Select a valid choice" not in client.get("/").text
