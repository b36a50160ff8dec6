from django.conf import settings

from accounts.models import User
from tests.conftest import PASSWORD


def test_language_switch_turns_the_page_to_english_and_back(client, gao_officer):
    client.force_login(gao_officer)
    assert "Tableau de bord" in client.get("/").text

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    page = client.get("/")
    assert 'lang="en"' in page.text
    assert "Dashboard" in page.text
    assert "Tableau de bord" not in page.text

    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Tableau de bord" in client.get("/").text


def test_language_choice_is_remembered_for_the_user(client, gao_officer):
    client.force_login(gao_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    gao_officer.refresh_from_db()
    assert gao_officer.language == "en"

    client.post("/accounts/logout/")
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # another browser
    assert 'lang="fr"' in client.get("/accounts/login/").text
    response = client.post("/accounts/login/", {"username": "gao_officer", "password": PASSWORD})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get("/").text


def test_anonymous_language_switch_changes_no_user(client, gao_officer):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    assert 'lang="en"' in client.get("/accounts/login/").text
    assert User.objects.get(pk=gao_officer.pk).language == "fr"


def test_unknown_language_is_ignored(client, gao_officer):
    client.force_login(gao_officer)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    gao_officer.refresh_from_db()
    assert gao_officer.language == "fr"
    assert 'lang="fr"' in client.get("/").text


def test_language_switch_is_post_only(client, db):
    assert client.get("/i18n/setlang/?language=en").status_code == 405
