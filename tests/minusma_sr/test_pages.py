import pytest

from funding.models import Mechanism
from regions.models import Office, Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES


def test_dashboard_shows_counts_from_the_database(client_for, gao_officer):
    Office.objects.create(name="Ménaka")

    response = client_for(gao_officer).get("/")

    assert response.context["regions_in_scope"] == Region.objects.filter(in_scope=True).count() == 6
    assert response.context["offices"] == 6
    assert response.context["mechanisms"] == Mechanism.objects.count() == 3


def test_dashboard_lists_the_regions_the_officer_may_edit(client_for, gao_officer):
    response = client_for(gao_officer).get("/")

    assert [r.code for r in response.context["editable_regions"]] == ["ML-7", "ML-9"]


def test_dashboard_query_count(client_for, hq_user, django_assert_num_queries):
    client = client_for(hq_user)
    # three counts (regions in scope, offices, mechanisms), the editable regions
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4):
        assert client.get("/").status_code == 200


def test_navigation_shows_admin_to_staff_only(client_for, hq_user, admin_user):
    assert "/admin/" not in client_for(hq_user).get("/").text
    assert 'href="/admin/"' in client_for(admin_user).get("/").text


@pytest.mark.parametrize("fixture", ["hq_user", "gao_officer", "viewer", "fund_manager"])
def test_admin_is_closed_to_non_staff(request, client_for, fixture):
    response = client_for(request.getfixturevalue(fixture)).get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_admin_is_open_to_administrators(client_for, admin_user):
    client = client_for(admin_user)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/regions/region/").status_code == 200
    assert client.get("/admin/funding/mechanism/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_security_headers_are_sent(client_for, viewer):
    response = client_for(viewer).get("/regions/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_pages_contain_no_inline_script_or_style(client_for, viewer):
    for url in ("/", "/regions/", "/regions/ML-7/", "/funding/", "/funding/pbf/"):
        page = client_for(viewer).get(url).text
        assert "style=" not in page
        assert "<style" not in page
        for chunk in page.split("<script")[1:]:
            assert chunk.lstrip().startswith("src=") or " src=" in chunk.split(">")[0]


def test_static_files_and_htmx_are_served_locally(client, db):
    page = client.get("/accounts/login/").text

    assert "/static/css/portal.css" in page
    assert "/static/django_htmx/htmx" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page
