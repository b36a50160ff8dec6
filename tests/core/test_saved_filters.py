"""Filters people save on the lists (`core.saved_filters`): saved from the
list, shown above it as one-click links to their owner only, deleted after a
confirmation; and the lists' folded advanced filters and chips."""

import re

import pytest
from django.conf import settings
from django.core import signing

from core.models import SavedFilter
from core.saved_filters import SALT, list_token
from regions.models import Region
from tests.factories import ProjectFactory

PROJECT_PARAMS = ["q", "region", "status", "mechanism", "pillar", "page_size", "ordering"]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _token(path="/projects/", params=PROJECT_PARAMS) -> str:
    return list_token(path, params)


def _save(client, name, query, token=None):
    return client.post("/filters/save/", {"name": name, "list": token or _token(), "query": query})


# --- Saving -----------------------------------------------------------------------------


def test_saving_keeps_the_list_s_own_filters_and_opens_them(client_for, gao_officer):
    gao = Region.objects.get(code="ML-7")
    response = _save(
        client_for(gao_officer),
        "my Gao QIPs",
        f"region={gao.pk}&status=ongoing&page=3&evil=1&q=",
    )

    saved = SavedFilter.objects.get()
    assert (saved.user, saved.name, saved.path) == (gao_officer, "my Gao QIPs", "/projects/")
    # Only the list's filters, no page, no empty value.
    assert saved.query == f"region={gao.pk}&status=ongoing"
    assert response.status_code == 302
    assert response["Location"] == f"/projects/?region={gao.pk}&status=ongoing"


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", "region=1", "This field is required."),
        ("x" * 81, "region=1", "Ensure this value has at most 80 characters"),
        ("Nothing", "page=2&evil=1", "Choose at least one filter before saving it."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    client_for, gao_officer, name, query, message
):
    response = _save(client_for(gao_officer), name, query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SavedFilter.objects.exists()


def test_a_second_filter_of_the_same_name_on_the_same_list_is_refused(client_for, gao_officer):
    SavedFilter.objects.create(user=gao_officer, name="Gao", path="/projects/", query="region=1")

    response = _save(client_for(gao_officer), "gao", "region=2")

    assert response.status_code == 200
    assert "You already have a filter of this name on this list." in response.content.decode()
    assert list(SavedFilter.objects.values_list("query", flat=True)) == ["region=1"]


def test_the_same_name_on_another_list_or_by_another_person_is_accepted(
    client_for, gao_officer, mopti_officer
):
    SavedFilter.objects.create(user=gao_officer, name="Gao", path="/projects/", query="region=1")
    SavedFilter.objects.create(user=mopti_officer, name="Gao", path="/plans/", query="region=1")

    _save(client_for(mopti_officer), "Gao", "region=1")

    assert SavedFilter.objects.filter(name="Gao").count() == 3


def test_a_forged_list_is_refused(client_for, gao_officer):
    forged = signing.dumps({"path": "//evil.example/", "params": ["q"]}, salt="other")

    response = _save(client_for(gao_officer), "Evil", "q=x", token=forged)

    assert response.status_code == 200
    assert "This list cannot be saved" in response.content.decode()
    assert not SavedFilter.objects.exists()
    assert signing.loads(_token(), salt=SALT)["path"] == "/projects/"


def test_saving_takes_post_only(client_for, gao_officer):
    assert client_for(gao_officer).get("/filters/save/").status_code == 405


# --- Shown to their owner only ------------------------------------------------------------


def test_the_owner_sees_their_saved_filters_above_the_list(client_for, gao_officer, viewer):
    SavedFilter.objects.create(
        user=gao_officer, name="Gao QIPs (mine)", path="/projects/", query="region=1"
    )
    SavedFilter.objects.create(user=gao_officer, name="Gao plans", path="/plans/", query="q=x")

    mine = client_for(gao_officer).get("/projects/").content.decode()
    theirs = client_for(viewer).get("/projects/").content.decode()

    assert 'href="/projects/?region=1">Gao QIPs (mine)</a>' in mine
    assert "Gao plans" not in mine  # another list's
    assert "Gao QIPs (mine)" not in theirs
    assert "My filters" not in theirs
    assert "Save this filter" in theirs


def test_a_page_kept_for_everyone_shows_each_person_their_own(client_for, gao_officer, hq_user):
    """The list is kept for everyone of one audience; the saved filters are
    put in after, for the person reading."""
    SavedFilter.objects.create(user=gao_officer, name="Gao one", path="/projects/", query="q=a")
    SavedFilter.objects.create(user=hq_user, name="HQ one", path="/projects/", query="q=b")
    for _time in range(2):
        gao = client_for(gao_officer).get("/projects/").content.decode()
        hq = client_for(hq_user).get("/projects/").content.decode()
        assert "Gao one" in gao and "HQ one" not in gao
        assert "HQ one" in hq and "Gao one" not in hq
        assert "<!-- saved-filters -->" not in gao


def test_the_owner_deletes_after_confirming(client_for, gao_officer):
    saved = SavedFilter.objects.create(
        user=gao_officer, name="Old", path="/plans/", query="region=1"
    )
    client = client_for(gao_officer)

    page = client.get(f"/filters/{saved.pk}/delete/")
    assert page.status_code == 200
    assert "Delete your saved filter “Old”?" in page.content.decode()
    assert SavedFilter.objects.exists()

    response = client.post(f"/filters/{saved.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/plans/"
    assert not SavedFilter.objects.exists()


def test_another_person_can_neither_see_nor_delete_a_saved_filter(client_for, gao_officer, hq_user):
    saved = SavedFilter.objects.create(user=gao_officer, name="Mine", path="/plans/", query="q=a")
    client = client_for(hq_user)

    assert client.get(f"/filters/{saved.pk}/delete/").status_code == 404
    assert client.post(f"/filters/{saved.pk}/delete/").status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


# --- What the saved filters cost ------------------------------------------------------------


@pytest.mark.parametrize("saved", [0, 1, 8])
def test_the_saved_filters_cost_one_query_however_many(
    client_for, gao_officer, django_assert_max_num_queries, saved
):
    for i in range(saved):
        SavedFilter.objects.create(
            user=gao_officer, name=f"Filter {i}", path="/plans/", query=f"q={i}"
        )
    client = client_for(gao_officer)
    client.get("/plans/")  # Warms what a first request reads once.
    with django_assert_max_num_queries(100) as captured:
        response = client.get("/plans/")

    reads = [query for query in captured.captured_queries if "core_savedfilter" in query["sql"]]
    assert len(reads) == 1
    assert response.content.decode().count("chip--saved") == saved


# --- The lists' filters: chips and the folded advanced filters --------------------------


LISTS = [
    ("/projects/", "year"),
    ("/plans/", "period"),
    ("/coordination/meetings/", "date_from"),
    ("/coordination/decisions/", "overdue"),
    ("/funding/contributions/", "year"),
    ("/audit/", "since"),
]


def _more_filters(html: str) -> str:
    found = re.search(r'<details class="filters__more"( open)?>(.*?)</details>', html, re.S)
    assert found, "no folded filters"
    return found.group(0)


@pytest.mark.parametrize(("url", "advanced"), LISTS)
def test_advanced_filters_fold_away_and_open_when_one_is_set(client_for, admin_user, url, advanced):
    client = client_for(admin_user)

    folded = _more_filters(client.get(url).content.decode())
    assert folded.startswith('<details class="filters__more">')
    assert f'name="{advanced}"' in folded
    assert 'name="q"' not in folded and 'name="region"' not in folded

    value = {"date_from": "2026-01-01", "since": "2026-01-01", "overdue": "true"}.get(
        advanced, "2026"
    )
    opened = _more_filters(client.get(url, {advanced: value}).content.decode())
    assert opened.startswith('<details class="filters__more" open>')


@pytest.mark.parametrize(
    "url",
    [
        "/projects/",
        "/plans/",
        "/coordination/meetings/",
        "/coordination/decisions/",
        "/coordination/organisations/",
        "/funding/contributions/",
        "/funding/rates/",
        "/audit/",
        "/compliance/",
    ],
)
def test_every_main_list_shows_its_filters_as_chips_and_offers_to_save_them(
    client_for, admin_user, url
):
    client = client_for(admin_user)
    html = client.get(url).content.decode()
    assert 'class="filter-panel"' in html
    assert "Save this filter" in html
    assert 'src="/static/js/columns.js"' in html or "js/columns" in html


def test_a_filter_of_the_projects_list_shows_as_a_chip(client_for, hq_user):
    ProjectFactory(title="Forage de Gao")

    html = client_for(hq_user).get("/projects/", {"q": "Forage"}).content.decode()

    assert 'class="chips"' in html
    assert "Search: Forage" in html or "Forage <span" in html
