"""Uploaded files are served only by the views that check access: /media/
answers 404 to everyone, even with DEBUG on."""

import importlib

import pytest
from django.urls import clear_url_caches

import minusma_sr.urls


@pytest.fixture
def debug_urls(settings):
    """The URLs as the portal builds them with DEBUG on."""
    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(minusma_sr.urls)
    yield
    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(minusma_sr.urls)


@pytest.fixture
def stored_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    path = tmp_path / "attachments" / "2024" / "04" / "rapport.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF-1.4 secret")
    return "attachments/2024/04/rapport.pdf"


@pytest.mark.parametrize("who", ["anonymous", "hq_user"])
def test_media_folder_is_not_served_with_debug_on(client, debug_urls, stored_file, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(f"/media/{stored_file}")

    assert response.status_code == 404
    assert b"secret" not in response.content
