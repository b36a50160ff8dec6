"""Two-factor sign-in (accounts/two_factor.py): enrolment at the first sign-in
of a role that requires it, the code step, recovery codes, lockout, and the
pages nobody reaches before the second factor."""

import json
import logging

import pytest
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from core.middleware import UNCOMPRESSED
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("two_factor_step")

LOGIN_URL = "/accounts/login/"
VERIFY_URL = "/accounts/two-factor/verify/"
SETUP_URL = "/accounts/two-factor/setup/"
CODES_URL = "/accounts/two-factor/codes/"
MONEY_URL = "/funding/contributions/new/"
ADMIN_URL = "/admin/"


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def code_for(device: TOTPDevice, *, step_offset: int = 0) -> str:
    """The code the person's authenticator app shows now (or `step_offset`
    steps later)."""
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + step_offset,
    )
    return f"{code:0{device.digits}d}"


def enrolled(user, *, recovery_codes=("abcd2345",)) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for token in recovery_codes:
        StaticToken.objects.create(device=static, token=token)
    return device


def is_verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- Enrolment ---------------------------------------------------------------------


def test_fund_manager_without_device_is_sent_to_enrolment_at_sign_in(client, fund_manager):
    response = sign_in(client, "fund_manager")

    assert response.status_code == 302
    assert client.get(response.url).url.startswith(SETUP_URL)
    page = client.get(SETUP_URL)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text
    # The page holds the secret: never compressed, never kept by a cache.
    assert getattr(page, UNCOMPRESSED, False)
    assert "no-store" in page["Cache-Control"]


def test_enrolment_is_confirmed_by_a_first_code_then_shows_ten_recovery_codes_once(
    client, fund_manager
):
    sign_in(client, "fund_manager")
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=fund_manager)
    assert not device.confirmed

    response = client.post(SETUP_URL, {"code": code_for(device)})

    assert response.status_code == 302
    assert response.url == CODES_URL
    device.refresh_from_db()
    assert device.confirmed
    assert is_verified(client)
    codes = StaticToken.objects.filter(device__user=fund_manager)
    assert codes.count() == two_factor.RECOVERY_CODE_COUNT
    page = client.get(CODES_URL)
    assert getattr(page, UNCOMPRESSED, False)
    assert "no-store" in page["Cache-Control"]
    for token in codes.values_list("token", flat=True):
        assert token in page.text
    # Shown once: the page does not show them again.
    assert client.get(CODES_URL).status_code == 302
    assert client.get(MONEY_URL).status_code == 200


def test_a_wrong_first_code_confirms_nothing(client, fund_manager):
    sign_in(client, "fund_manager")
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=fund_manager)

    response = client.post(SETUP_URL, {"code": code_for(device, step_offset=10)})

    assert response.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    assert not is_verified(client)
    assert client.get(MONEY_URL).url.startswith(SETUP_URL)


def test_administrator_is_sent_to_enrolment_too(client, admin_user):
    sign_in(client, "administrator")

    assert client.get(ADMIN_URL).url.startswith(SETUP_URL)


def test_a_role_the_setting_does_not_list_requires_nothing(client, fund_manager, settings):
    settings.TWO_FACTOR_ROLES = ["administrator", "a_role_not_made_yet"]

    sign_in(client, "fund_manager")

    assert client.get(MONEY_URL).status_code == 200


# --- The code step -----------------------------------------------------------------


def test_sign_in_with_a_code_opens_the_money_pages(client, fund_manager):
    device = enrolled(fund_manager)

    response = sign_in(client, "fund_manager")
    assert client.get(response.url).url.startswith(VERIFY_URL)
    page = client.get(VERIFY_URL)
    assert "no-store" in page["Cache-Control"]
    response = client.post(VERIFY_URL, {"code": code_for(device), "next": MONEY_URL})

    assert response.status_code == 302
    assert response.url == MONEY_URL
    assert is_verified(client)
    assert client.get(MONEY_URL).status_code == 200


def test_a_wrong_code_is_refused_and_logged(client, fund_manager, caplog):
    enrolled(fund_manager)
    sign_in(client, "fund_manager")

    with caplog.at_level(logging.INFO, logger="security"):
        response = client.post(VERIFY_URL, {"code": "000000"})

    assert response.status_code == 400
    assert not is_verified(client)
    assert client.get(MONEY_URL).url.startswith(VERIFY_URL)
    events = [r.event for r in caplog.records if r.name == "security"]
    assert "sign_in_failed" in events


def test_a_recovery_code_works_once(client, fund_manager):
    enrolled(fund_manager, recovery_codes=["abcd2345", "efgh6723"])

    sign_in(client, "fund_manager")
    response = client.post(VERIFY_URL, {"code": "ABCD 2345"})
    assert response.status_code == 302
    assert is_verified(client)
    assert not StaticToken.objects.filter(token="abcd2345").exists()

    client.post("/accounts/logout/")
    sign_in(client, "fund_manager")
    response = client.post(VERIFY_URL, {"code": "abcd2345"})

    assert response.status_code == 400
    assert not is_verified(client)


def test_repeated_wrong_codes_lock_the_code_step(client, fund_manager):
    device = enrolled(fund_manager)
    sign_in(client, "fund_manager")

    responses = [
        client.post(VERIFY_URL, {"code": "000000"}) for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert responses[-1].status_code == 429
    # Even the right code is refused for the lockout time.
    device.throttle_reset()
    response = client.post(VERIFY_URL, {"code": code_for(device)})
    assert response.status_code == 429
    assert not is_verified(client)
    # And so is the password, from this address.
    client.post("/accounts/logout/")
    assert sign_in(client, "fund_manager").status_code == 429


def test_a_new_sign_in_asks_for_a_new_code(client, fund_manager):
    device = enrolled(fund_manager)
    sign_in(client, "fund_manager")
    client.post(VERIFY_URL, {"code": code_for(device)})
    assert is_verified(client)

    sign_in(client, "fund_manager")

    assert not is_verified(client)
    assert client.get(MONEY_URL).url.startswith(VERIFY_URL)


# --- Nothing before the second factor ------------------------------------------------


@pytest.mark.parametrize("url", [ADMIN_URL, MONEY_URL, "/funding/", "/", "/accounts/profile/"])
def test_pages_are_unreachable_before_the_second_factor(client, admin_user, url):
    enrolled(admin_user)
    sign_in(client, "administrator")

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY_URL)


def test_json_requests_get_403_before_the_second_factor(client, fund_manager):
    enrolled(fund_manager)
    sign_in(client, "fund_manager")

    response = client.get(MONEY_URL, headers={"Accept": "application/json"})

    assert response.status_code == 403
    assert "detail" in json.loads(response.content)


def test_the_api_answers_a_session_without_its_second_factor_403(client, fund_manager):
    enrolled(fund_manager)
    sign_in(client, "fund_manager")

    assert client.get("/api/v1/").status_code == 403


def test_an_api_request_with_a_token_is_left_to_the_token(client, fund_manager):
    enrolled(fund_manager)
    sign_in(client, "fund_manager")

    # Authenticated by its token, not the session: a wrong token is the
    # API's own refusal.
    response = client.get("/api/v1/", headers={"Authorization": "Bearer wrong"})

    assert response.status_code == 401


def test_sign_out_stays_open_before_the_second_factor(client, fund_manager):
    enrolled(fund_manager)
    sign_in(client, "fund_manager")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolment_is_not_offered_to_someone_who_owes_a_code(client, fund_manager):
    enrolled(fund_manager)
    sign_in(client, "fund_manager")

    response = client.get(SETUP_URL)

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=fund_manager).count() == 1


# --- Optional for everyone else ------------------------------------------------------


def test_regional_officer_signs_in_without_a_second_factor(client, gao_officer):
    sign_in(client, "gao_officer")

    assert client.get("/").status_code == 200
    assert "two-factor/setup/" in client.get("/accounts/profile/").text


def test_regional_officer_may_enrol_from_the_profile_and_then_owes_a_code(client, gao_officer):
    sign_in(client, "gao_officer")
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=gao_officer)
    assert client.post(SETUP_URL, {"code": code_for(device)}).status_code == 302
    assert "two-factor/remove/" in client.get("/accounts/profile/").text

    client.post("/accounts/logout/")
    sign_in(client, "gao_officer")

    assert client.get("/").url.startswith(VERIFY_URL)


def test_regional_officer_may_turn_it_off_once_verified(client, gao_officer):
    device = enrolled(gao_officer)
    sign_in(client, "gao_officer")
    client.post(VERIFY_URL, {"code": code_for(device)})

    response = client.post("/accounts/two-factor/remove/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=gao_officer).exists()
    assert not StaticDevice.objects.filter(user=gao_officer).exists()


def test_a_required_role_cannot_turn_it_off(client, fund_manager):
    device = enrolled(fund_manager)
    sign_in(client, "fund_manager")
    client.post(VERIFY_URL, {"code": code_for(device)})

    client.post("/accounts/two-factor/remove/")

    assert TOTPDevice.objects.filter(user=fund_manager).exists()


def test_new_recovery_codes_replace_the_old_ones(client, gao_officer):
    device = enrolled(gao_officer, recovery_codes=["abcd2345"])
    sign_in(client, "gao_officer")
    client.post(VERIFY_URL, {"code": code_for(device)})

    response = client.post("/accounts/two-factor/codes/new/")

    assert response.url == CODES_URL
    tokens = set(
        StaticToken.objects.filter(device__user=gao_officer).values_list("token", flat=True)
    )
    assert len(tokens) == two_factor.RECOVERY_CODE_COUNT
    assert "abcd2345" not in tokens


def test_new_recovery_codes_and_removal_need_a_verified_session(client, gao_officer):
    enrolled(gao_officer, recovery_codes=["abcd2345"])
    client.force_login(gao_officer)
    # A session that owes no step yet was never verified (one that began
    # before two-factor sign-in existed).
    session = client.session
    del session[two_factor.STEP_SESSION_KEY]
    session.save()

    assert client.post("/accounts/two-factor/codes/new/").url == "/accounts/profile/"
    assert client.post("/accounts/two-factor/remove/").url == "/accounts/profile/"

    assert StaticToken.objects.get(device__user=gao_officer).token == "abcd2345"
    assert TOTPDevice.objects.filter(user=gao_officer).exists()
