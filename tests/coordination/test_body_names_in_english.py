"""A coordination body's name in both languages: each reader sees theirs."""

from django.conf import settings

from coordination.models import CoordinationBody
from tests.factories import BodyFactory


def _in(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_body_page_shows_the_name_in_the_readers_language(client_for, viewer):
    body = BodyFactory(name="Comité régional de Gao", name_en="Gao regional committee")
    client = client_for(viewer)

    english = _in(client, "en").get(body.get_absolute_url()).text
    french = _in(client, "fr").get(body.get_absolute_url()).text

    assert "<h1>Gao regional committee" in english and "Comité régional de Gao" not in english
    assert "<h1>Comité régional de Gao" in french and "Gao regional committee" not in french


def test_a_body_without_an_english_name_shows_its_french_one_in_english(client_for, viewer):
    body = BodyFactory(name="Comité régional de Gao")

    page = _in(client_for(viewer), "en").get(body.get_absolute_url()).text

    assert "<h1>Comité régional de Gao" in page


def test_headquarters_names_a_body_in_both_languages(client_for, hq_user):
    response = client_for(hq_user).post(
        "/coordination/bodies/new/",
        {
            "name": "Groupe exécutif des partenaires",
            "name_en": "Partners' executive group",
            "kind": "donor_group",
            "region": "",
            "description": "",
        },
    )

    assert response.status_code == 302
    body = CoordinationBody.objects.get()
    assert (body.name, body.name_en) == (
        "Groupe exécutif des partenaires",
        "Partners' executive group",
    )


def test_the_api_gives_both_names(client_for, viewer):
    BodyFactory(name="Comité régional de Gao", name_en="Gao regional committee")

    [row] = client_for(viewer).get("/api/v1/bodies/").json()["results"]

    assert (row["name"], row["name_en"]) == ("Comité régional de Gao", "Gao regional committee")


def test_admin_edits_both_names(client_for, admin_user):
    body = BodyFactory()

    page = client_for(admin_user).get(f"/admin/coordination/coordinationbody/{body.pk}/change/")

    assert 'name="name"' in page.text and 'name="name_en"' in page.text
