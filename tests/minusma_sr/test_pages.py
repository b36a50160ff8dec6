import pytest


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


def test_static_files_and_htmx_are_served_locally(client, hq_user):
    sign_in = client.get("/accounts/login/").text
    client.force_login(hq_user)
    # htmx is loaded by the pages that use it only (the project list).
    projects = client.get("/projects/").text

    assert "/static/css/portal.css" in sign_in
    assert "/static/django_htmx/htmx" in projects
    for page in (sign_in, projects):
        assert "http://" not in page.replace("http://testserver", "")
        assert "https://" not in page
