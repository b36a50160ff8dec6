"""A refusal (403) is one short line in the log, without a traceback."""

import logging

import pytest


@pytest.fixture
def records(caplog):
    """Every record of the request, the security log's included (it does not
    pass them on to the root logger, where caplog listens)."""
    security = logging.getLogger("security")
    security.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    yield lambda: [r for r in caplog.records if getattr(r, "event", None) != "sign_in"]
    security.removeHandler(caplog.handler)


def test_a_refusal_is_logged_once_without_a_traceback(client_for, viewer, records):
    client = client_for(viewer)

    response = client.get("/audit/")

    assert response.status_code == 403
    [record] = records()
    assert (record.name, record.event, record.path) == ("security", "permission_denied", "/audit/")
    assert record.exc_info is None


def test_a_missing_page_is_still_logged_by_django(client_for, viewer, records):
    response = client_for(viewer).get("/regions/nowhere/")

    assert response.status_code == 404
    assert [r.name for r in records()] == ["django.request"]
