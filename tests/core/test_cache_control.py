"""Pages of a signed-in user and downloaded files are never kept by a cache."""

import pytest

from tests.factories import ProjectFactory

NO_STORE = "private, no-store"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/projects/{project}/",
        "/reviews/",
        "/projects/export.csv",
        "/projects/export.xlsx",
        "/projects/iati.xml",
        "/audit/",
    ],
)
def test_signed_in_pages_and_exports_are_not_stored(client_for, admin_user, url):
    project = ProjectFactory()

    response = client_for(admin_user).get(url.format(project=project.pk))

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_anonymous_download_is_not_stored_either(client, db):
    # The open-data file, if anyone may fetch it, is still sent as a download.
    response = client.get("/projects/iati.xml")

    if response.status_code == 200 and "attachment" in response.get("Content-Disposition", ""):
        assert response["Cache-Control"] == NO_STORE
