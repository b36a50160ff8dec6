from datetime import timedelta

import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from tests.conftest import PASSWORD

LOGIN_URL = "/accounts/login/"


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def test_sign_in_page_is_in_french_by_default(client, db):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert 'lang="fr"' in response.text
    assert "Se connecter" in response.text


def test_signing_in_with_the_right_password_opens_the_dashboard(client, gao_officer):
    response = sign_in(client, "gao_officer")

    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_an_error_and_signs_nobody_in(client, gao_officer):
    response = sign_in(client, "gao_officer", "wrong")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_dashboard_requires_sign_in(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_sign_out_is_post_only(client, gao_officer):
    client.force_login(gao_officer)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_user_name_for_that_address(client, gao_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "gao_officer", "wrong")

    response = sign_in(client, "gao_officer")  # even the right password

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "15" in response.text  # the cool-off, in minutes, is stated


def test_lock_is_per_user_name_and_address_not_address_alone(client, gao_officer, mopti_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "gao_officer", "wrong")

    assert sign_in(client, "mopti_officer").status_code == 302
    other_address = client.post(
        LOGIN_URL,
        {"username": "gao_officer", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_address.status_code == 302


def test_lock_lifts_after_the_cool_off(client, gao_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "gao_officer", "wrong")
    assert sign_in(client, "gao_officer").status_code == 429

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)):
        response = sign_in(client, "gao_officer")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(gao_officer.pk)


def test_session_expires_after_idle_time(client, gao_officer):
    client.force_login(gao_officer)
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)

    with time_machine.travel(timezone.now() + idle - timedelta(minutes=1)):
        assert client.get("/").status_code == 200  # activity renews the session
    with time_machine.travel(timezone.now() + 2 * idle - timedelta(minutes=2)):
        assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + 3 * idle):
        response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_password_change_page_changes_the_password(client, gao_officer):
    client.force_login(gao_officer)
    assert client.get("/accounts/password_change/").status_code == 200

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-Passphrase-2026",
            "new_password2": "a-much-longer-Passphrase-2026",
        },
    )

    assert response.status_code == 302
    gao_officer.refresh_from_db()
    assert gao_officer.check_password("a-much-longer-Passphrase-2026")


def test_password_change_with_a_wrong_old_password_changes_nothing(client, gao_officer):
    client.force_login(gao_officer)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "wrong",
            "new_password1": "a-much-longer-Passphrase-2026",
            "new_password2": "a-much-longer-Passphrase-2026",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    gao_officer.refresh_from_db()
    assert gao_officer.check_password(PASSWORD)


def test_password_reset_sends_a_link(client, gao_officer):
    response = client.post("/accounts/password_reset/", {"email": gao_officer.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [gao_officer.email]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_reset_link_sets_a_new_password(client, gao_officer):
    client.post("/accounts/password_reset/", {"email": gao_officer.email})
    link = next(word for word in mail.outbox[0].body.split() if "/accounts/reset/" in word)
    path = link.split("testserver", 1)[1]

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "Another-long-passphrase-77",
            "new_password2": "Another-long-passphrase-77",
        },
    )

    assert response.status_code == 302
    gao_officer.refresh_from_db()
    assert gao_officer.check_password("Another-long-passphrase-77")
