"""With DEBUG off, start-up refuses to publish the open IATI file under the
example identifier of `.env.example`, or without a publisher's name."""

import pytest

from minusma_sr import startup
from minusma_sr.checks import IATI_PLACEHOLDER_ID
from tests.minusma_sr.test_deploy_checks import https_on


@pytest.fixture(autouse=True)
def no_browser_test_environment(monkeypatch):
    # As in test_deploy_checks.py: a real deployment never has this variable.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def test_the_placeholder_identifier_stops_start_up(settings):
    https_on(settings)
    settings.IATI_ORGANISATION_ID = IATI_PLACEHOLDER_ID

    with pytest.raises(SystemExit) as stopped:
        startup.exit_on_deploy_warnings()

    assert "minusma_sr.E001" in str(stopped.value)
    assert "IATI_ORGANISATION_ID" in str(stopped.value)


def test_an_empty_publisher_name_stops_start_up(settings):
    https_on(settings)
    settings.IATI_ORGANISATION_NAME = "  "

    with pytest.raises(SystemExit) as stopped:
        startup.exit_on_deploy_warnings()

    assert "minusma_sr.E002" in str(stopped.value)


def test_a_registered_identifier_starts(settings):
    https_on(settings)
    settings.IATI_ORGANISATION_ID = "XM-DAC-TEST-SR"

    assert [m.id for m in startup.deploy_warnings() if m.id.startswith("minusma_sr.")] == []


def test_debug_on_accepts_the_placeholder(settings):
    settings.DEBUG = True
    settings.IATI_ORGANISATION_ID = IATI_PLACEHOLDER_ID

    startup.exit_on_deploy_warnings()
