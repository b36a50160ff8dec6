"""The mechanisms' approving bodies in both languages: each reader sees theirs."""

from django.conf import settings
from django.utils.html import escape

from funding.models import Mechanism


def _in(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_installed_mechanisms_name_their_approving_body_in_both_languages(db):
    names = {m.code: (m.approving_body, m.approving_body_en) for m in Mechanism.objects.all()}

    assert names == {
        "qip": ("Comité d'examen des projets (PRC)", "Project Review Committee (PRC)"),
        "tf": ("Comité de pilotage du Fonds", "Trust Fund Steering Committee"),
        "pbf": ("Comité de pilotage conjoint", "Joint Steering Committee"),
    }


def test_the_mechanism_page_names_the_approving_body_in_the_readers_language(client_for, viewer):
    client = client_for(viewer)

    english = _in(client, "en").get("/funding/qip/").text
    french = _in(client, "fr").get("/funding/qip/").text

    assert "Project Review Committee (PRC)" in english
    assert escape("Comité d'examen des projets (PRC)") not in english
    assert escape("Comité d'examen des projets (PRC)") in french
    assert "Project Review Committee (PRC)" not in french


def test_without_an_english_name_the_french_one_is_shown_in_english(client_for, viewer):
    Mechanism.objects.filter(code="tf").update(approving_body_en="")

    page = _in(client_for(viewer), "en").get("/funding/tf/").text

    assert "Comité de pilotage du Fonds" in page


def test_the_api_gives_both_names(client_for, viewer):
    rows = client_for(viewer).get("/api/v1/mechanisms/").json()["results"]

    qip = next(row for row in rows if row["code"] == "qip")
    assert qip["approving_body"] == "Comité d'examen des projets (PRC)"
    assert qip["approving_body_en"] == "Project Review Committee (PRC)"


def test_admin_edits_both_names(client_for, admin_user):
    qip = Mechanism.objects.get(code="qip")

    page = client_for(admin_user).get(f"/admin/funding/mechanism/{qip.pk}/change/")

    assert 'name="approving_body"' in page.text and 'name="approving_body_en"' in page.text
