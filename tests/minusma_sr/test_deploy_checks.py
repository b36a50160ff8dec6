"""With DEBUG off, start-up stops on any deployment warning that the settings
do not silence on purpose."""

import pytest

from minusma_sr import startup


@pytest.fixture(autouse=True)
def no_browser_test_environment(monkeypatch):
    # The browser tests' Playwright needs this variable in the test process;
    # a real deployment never has it (and the checks say so).
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def https_on(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "production-like-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.IATI_ORGANISATION_ID = "XM-DAC-TEST-SR"
    # The test settings run on plain HTTP and so silence the HTTPS checks.
    settings.SILENCED_SYSTEM_CHECKS = ["security.W021"]


def test_production_settings_start(settings):
    https_on(settings)

    assert startup.deploy_warnings() == []
    startup.exit_on_deploy_warnings()


def test_a_weak_production_setting_stops_start_up(settings):
    https_on(settings)
    settings.SESSION_COOKIE_SECURE = False

    with pytest.raises(SystemExit) as stopped:
        startup.exit_on_deploy_warnings()

    assert "security.W012" in str(stopped.value)


def test_a_silenced_check_does_not_stop_start_up(settings):
    https_on(settings)
    settings.SESSION_COOKIE_SECURE = False
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, "security.W012"]

    startup.exit_on_deploy_warnings()


def test_debug_on_skips_the_deployment_checks(settings):
    settings.DEBUG = True
    settings.SESSION_COOKIE_SECURE = False

    startup.exit_on_deploy_warnings()


def test_make_serve_leaves_https_to_the_settings():
    # `.env` or the environment decide DJANGO_HTTPS; the Makefile must not.
    from django.conf import settings

    makefile = (settings.BASE_DIR / "Makefile").read_text()
    serve = [line for line in makefile.splitlines() if line.startswith("serve:")]

    assert not [line for line in serve if "DJANGO_HTTPS" in line]
    assert "check --deploy --fail-level WARNING" in makefile
