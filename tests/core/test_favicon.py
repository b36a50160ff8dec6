"""Browsers ask for /favicon.ico on their own, whatever the page names."""

import pytest


@pytest.mark.django_db
def test_the_favicon_answers_signed_out(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert "max-age" in response["Cache-Control"]


def test_the_favicon_answers_signed_in(client_for, viewer):
    response = client_for(viewer).get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert "no-store" not in response["Cache-Control"]
