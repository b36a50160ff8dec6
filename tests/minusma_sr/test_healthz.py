from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthz_answers_ok_without_sign_in_or_session(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert b"database" in response.content
