"""Two-factor sign-in in the browser: a fund manager enrols at the first
sign-in (the QR code shows under the content security policy), keeps the
recovery codes, and signs in again with one of them."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.usefixtures("two_factor_step")


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=device.drift):06d}"


def test_fund_manager_enrols_at_first_sign_in_then_signs_in_with_a_recovery_code(
    page, fund_manager_browser
):
    # A blocked image (the content security policy) is a console error.
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    sign_in(page, "fatoumata")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    qr_code = page.locator("main img[src^='data:image/svg+xml']")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("image => image.naturalWidth") > 0
    device = TOTPDevice.objects.get(user=fund_manager_browser, confirmed=False)
    page.fill("[name=code]", current_code(device))
    page.locator("main button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/codes/$"))
    codes = list(StaticToken.objects.filter(device__user=fund_manager_browser))
    assert len(codes) == 10
    for code in codes:
        expect(page.locator("main")).to_contain_text(code.token)
    assert problems == []

    page.goto("/funding/contributions/new/")
    expect(page).to_have_url(re.compile(r"/funding/contributions/new/$"))
    with page.expect_navigation():  # signed out (the script clears the device first)
        page.locator("form[action='/accounts/logout/'] button").first.click()

    sign_in(page, "fatoumata")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("[name=code]", codes[0].token)
    page.locator("main form[action='/accounts/two-factor/verify/'] button").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert not StaticToken.objects.filter(pk=codes[0].pk).exists()
