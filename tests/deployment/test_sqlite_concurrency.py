"""Twenty people saving at once on the embedded SQLite database: nobody gets
a server error, nothing is lost, and a race for the same money lets one
through (immediate transactions, a busy timeout and write-ahead logging:
`minusma_sr.environment.SQLITE_OPTIONS`). Past the timeout, a "try again"
page, never a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from minusma_sr import environment

SCRIPT = Path(__file__).with_name("concurrent_writers.py")


def test_sqlite_connections_take_the_write_lock_at_once_and_wait_for_it():
    config = environment.database_config("sqlite:////tmp/portal.sqlite3")

    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == environment.SQLITE_BUSY_SECONDS
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="it runs its own SQLite file in a process of its own: once, in the SQLite pass",
)
def test_twenty_concurrent_writers_get_no_error_and_lose_nothing(tmp_path):
    variables = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_URL"))
    }
    variables |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "DJANGO_DEBUG": "true",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "minusma_sr.settings",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }

    run = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=settings.BASE_DIR,
        env=variables,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["organisation_codes"] == [302] * 20
    assert result["organisations"] == 20
    # USD 1,000 approved, twenty tranches of 1,000 asked at once: one is paid,
    # the others are refused by the form, none fails.
    assert sorted(result["tranche_codes"]) == [200] * 19 + [302]
    assert result["tranches"] == 1


@pytest.mark.parametrize("message", ["database is locked", "database table is locked"])
def test_a_database_still_busy_after_the_timeout_answers_try_again(client_for, hq_user, message):
    client = client_for(hq_user)
    client.raise_request_exception = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {"name": "Association", "kind": "ngo", "is_active": "on"}

    with mock.patch(
        "coordination.views.organisations._save",
        side_effect=OperationalError(message),
    ):
        response = client.post("/coordination/organisations/new/", data)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Nothing was changed" in response.text
