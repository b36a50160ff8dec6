"""Security events reach the `security` logger as one JSON object per line."""

import json
import logging

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from accounts import security_log
from accounts.roles import Role
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
ADDRESS = "10.20.30.40"


@pytest.fixture
def events(caplog):
    """The security events logged during the test. The `security` logger does
    not pass its records on to the root logger, where caplog listens: listen
    on it directly."""
    logger = logging.getLogger("security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="security")
    yield lambda name=None: [
        record
        for record in caplog.records
        if record.name == "security" and (name is None or record.event == name)
    ]
    logger.removeHandler(caplog.handler)


def _sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ADDRESS)


def test_sign_in_is_logged_with_user_address_and_path(client, gao_officer, events):
    _sign_in(client, "gao_officer")

    [event] = events("sign_in")
    assert (event.user, event.ip, event.path) == ("gao_officer", ADDRESS, LOGIN_URL)


def test_failed_sign_in_is_logged_without_the_password(client, gao_officer, events):
    _sign_in(client, "gao_officer", "Secret-typed-by-mistake")

    [event] = events("sign_in_failed")
    assert (event.user, event.ip) == ("gao_officer", ADDRESS)
    line = security_log.JsonLinesFormatter().format(event)
    assert "Secret-typed-by-mistake" not in line
    assert events("sign_in") == []


def test_lockout_is_logged(client, gao_officer, events):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "gao_officer", "wrong")

    [event] = events("lockout")
    assert (event.user, event.ip, event.path) == ("gao_officer", ADDRESS, LOGIN_URL)
    assert len(events("sign_in_failed")) == settings.AXES_FAILURE_LIMIT


def test_sign_out_is_logged(client_for, gao_officer, events):
    client_for(gao_officer).post("/accounts/logout/")

    [event] = events("sign_out")
    assert event.user == "gao_officer"


def test_refusal_is_logged_with_who_and_where(client_for, viewer, events):
    response = client_for(viewer).get("/audit/", REMOTE_ADDR=ADDRESS)

    assert response.status_code == 403
    assert 'class="site-header"' in response.text  # the portal's 403 page still
    [event] = events("permission_denied")
    assert (event.user, event.ip, event.path) == ("partner", ADDRESS, "/audit/")
    assert event.details["method"] == "GET"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/projects/export.csv", "projects_csv"),
        ("/projects/export.xlsx", "projects_xlsx"),
        ("/projects/iati.xml", "projects_iati"),
        ("/funding/contributions/export.csv", "contributions_csv"),
        ("/funding/contributions/export.xlsx", "contributions_xlsx"),
        ("/funding/rates/export.csv", "rates_csv"),
        ("/funding/rates/export.xlsx", "rates_xlsx"),
        ("/funding/qip/projects.csv", "ledger_csv"),
        ("/funding/qip/projects.xlsx", "ledger_xlsx"),
    ],
)
def test_exports_are_logged_with_their_filters(client_for, viewer, events, url, kind):
    response = client_for(viewer).get(url, {"q": "eau"})

    assert response.status_code == 200
    [event] = events("export")
    assert event.user == "partner"
    assert event.path == url
    assert event.details == {"kind": kind, "query": "q=eau"}


def test_role_change_in_admin_is_logged_with_who_and_whom(client_for, admin_user, events):
    person = UserFactory(username="aminata", role=Role.VIEWER)
    events_before = len(events("role_change"))

    person._history_user = admin_user
    person.groups.set([Group.objects.get(name=Role.HQ_OFFICER.value)])

    new = events("role_change")[events_before:]
    assert [event.user for event in new] == ["administrator", "administrator"]
    assert {event.details["target"] for event in new} == {"aminata"}
    assert new[0].details["changes"] == {"groups": [["viewer"], []]}
    assert new[1].details["changes"] == {"groups": [[], ["hq_officer"]]}


def test_administrator_status_is_logged_but_not_a_change_of_name(admin_user, events):
    person = UserFactory(username="moussa")
    person._history_user = admin_user

    person.first_name = "Moussa"
    person.save()
    assert events("role_change") == []

    person.is_staff = person.is_superuser = True
    person.save()

    [event] = events("role_change")
    assert event.details["changes"] == {
        "is_staff": [False, True],
        "is_superuser": [False, True],
    }


def test_each_event_is_one_line_of_json(client, gao_officer, events):
    _sign_in(client, "gao_officer\nforged line", "wrong")
    [event] = events("sign_in_failed")

    line = security_log.JsonLinesFormatter().format(event)

    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) >= {"time", "event", "user", "ip", "path", "details"}
    assert entry["event"] == "sign_in_failed"
    assert entry["user"] == "gao_officer\nforged line"
    assert entry["time"].endswith("+00:00")


def test_security_logger_writes_json_lines_to_standard_error():
    config = settings.LOGGING
    handler = config["handlers"][config["loggers"]["security"]["handlers"][0]]

    assert handler["stream"] == "ext://sys.stderr"
    formatter = config["formatters"][handler["formatter"]]
    assert formatter["()"] == "accounts.security_log.JsonLinesFormatter"
    assert config["loggers"]["security"]["propagate"] is False
