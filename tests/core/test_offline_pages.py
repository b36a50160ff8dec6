"""The portal as an installable, offline-capable application, seen from the
server: the service worker's script, the manifests and their icons, the page of
offline drafts, the device key every signed-in page carries, the forms that
may be saved offline, and a sign-out that makes the browser forget it all.
The behaviour in the browser is tested in tests/browser/test_offline.py."""

import json
import re
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from core import offline
from regions.models import RegionalPlan
from tests.factories import IndicatorFactory, PlanFactory, ProjectFactory, UserFactory
from tooling import icons

DEVICE_KEY = re.compile(rb'data-device-key="([0-9a-f]*)"')


def _device_key(response) -> str:
    return DEVICE_KEY.search(response.content).group(1).decode()


# --- The service worker ------------------------------------------------------------------


def test_service_worker_is_served_from_the_root_to_anyone_and_never_cached(client, db):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-store" in response["Cache-Control"]


def test_service_worker_is_the_same_for_everyone_and_names_the_static_files_it_keeps(
    client, gao_officer, hq_user
):
    anonymous = client.get("/sw.js").content
    client.force_login(gao_officer)
    officer = client.get("/sw.js").content
    client.force_login(hq_user)
    headquarters = client.get("/sw.js").content

    assert anonymous == officer == headquarters
    config = json.loads(anonymous.split(b"\n", 1)[0].removeprefix(b"self.PORTAL_OFFLINE = ")[:-1])
    assert "/static/css/portal.css" in config["static"]
    assert config["draftsUrl"] == reverse("offline_drafts")
    assert config["never"] == ["/admin/"]


def test_service_worker_is_not_answered_to_a_post(client, db):
    assert client.post("/sw.js").status_code == 405


# --- The manifest and its icons --------------------------------------------------------


@pytest.mark.parametrize(
    "language,name",
    [("fr", "Portail Stabilisation et Relèvement"), ("en", "Stabilization & Recovery portal")],
)
def test_each_language_links_its_own_manifest(client, db, language, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/accounts/login/").text

    assert f'<link rel="manifest" href="/static/manifest-{language}.json">' in page
    manifest = json.loads(Path(finders.find(f"manifest-{language}.json")).read_text())
    assert (manifest["lang"], manifest["name"], manifest["start_url"]) == (language, name, "/")


@pytest.mark.parametrize("name,size", [("icon-192.png", 192), ("icon-512.png", 512)])
def test_manifest_icons_are_pngs_of_their_declared_size(name, size):
    manifest = json.loads(Path(finders.find("manifest-fr.json")).read_text())
    declared = {icon["src"]: icon["sizes"] for icon in manifest["icons"]}
    data = Path(finders.find(f"icons/{name}")).read_bytes()

    assert declared[f"icons/{name}"] == f"{size}x{size}"
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", data[16:24]) == (size, size)


def test_committed_icon_is_what_the_drawing_script_makes():
    committed = Path(finders.find("icons/icon-192.png")).read_bytes()

    assert icons.png(icons.draw(192)) == committed


# --- The device key ----------------------------------------------------------------------


def test_each_person_has_their_own_device_key_the_same_in_every_session(
    client, gao_officer, hq_user
):
    client.force_login(gao_officer)
    first = _device_key(client.get("/"))
    client.logout()
    client.force_login(gao_officer)
    again = _device_key(client.get("/"))
    client.force_login(hq_user)
    other = _device_key(client.get("/"))

    assert first == again
    assert len(first) == 32
    assert other != first
    # Opaque: nothing of the person's identity in it.
    assert str(gao_officer.pk) != first and gao_officer.username not in first


def test_signed_out_pages_carry_no_device_key(client, db):
    assert _device_key(client.get("/accounts/login/")) == ""


def test_device_key_depends_on_the_secret_key(gao_officer, settings):
    before = offline.device_key(gao_officer)
    settings.SECRET_KEY = "another-secret-key-0123456789abcdefghijklmnopqrstuv"

    assert offline.device_key(gao_officer) != before


# --- The drafts page and the forms it keeps -------------------------------------------


def test_drafts_page_needs_sign_in(client, db):
    response = client.get("/offline/drafts/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_drafts_page_shows_an_empty_state_and_is_not_stored(client_for, gao_officer):
    response = client_for(gao_officer).get("/offline/drafts/")

    assert response.status_code == 200
    assert b"data-offline-drafts" in response.content
    assert b"data-offline-empty" in response.content
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("kind", ["progress report", "indicator report", "plan update"])
def test_report_forms_may_be_saved_offline(client_for, gao_officer, kind):
    project = ProjectFactory()
    url = {
        "progress report": lambda: reverse("projects:progress_report_create", args=[project.pk]),
        "indicator report": lambda: reverse(
            "projects:indicator_report_create", args=[IndicatorFactory(project=project).pk]
        ),
        "plan update": lambda: reverse(
            "regions:update_create", args=[PlanFactory(status=RegionalPlan.Status.VALIDATED).pk]
        ),
    }[kind]()

    response = client_for(gao_officer).get(url)

    assert response.status_code == 200
    assert b"<form" in response.content and b"data-offline-draft" in response.content


def test_other_forms_are_not_saved_offline(client_for, gao_officer):
    response = client_for(gao_officer).get(reverse("projects:create"))

    assert b"data-offline-draft" not in response.content


# --- Sign-out and the policy ---------------------------------------------------------------


def test_sign_out_tells_the_browser_to_forget_what_the_device_kept(client, db):
    client.force_login(UserFactory())

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_content_security_policy_allows_the_worker_and_manifest_from_the_portal_only(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]

    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "script-src 'self'" in policy
