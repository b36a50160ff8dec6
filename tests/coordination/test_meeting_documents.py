"""Documents of a meeting: uploaded by the managers of its body, checked by
content and size, downloaded by any signed-in user."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from coordination.models import MeetingDocument
from tests.factories import MeetingFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
MISMATCH = "The content of this file does not match its .%s extension."
NOT_ACCEPTED = "Only PDF, Word, Excel and image files (PNG, JPEG, GIF, WebP) are accepted."


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


def _upload(client, meeting, name="compte-rendu.pdf", content=PDF, title="Compte rendu"):
    upload = SimpleUploadedFile(name, content, "application/pdf")
    return client.post(
        f"/coordination/meetings/{meeting.pk}/documents/new/", {"title": title, "file": upload}
    )


def test_officer_uploads_the_minutes_of_a_meeting_of_their_region(client_for, gao_officer, media):
    meeting = MeetingFactory()
    upload = SimpleUploadedFile("Compte rendu signé.pdf", PDF, "application/pdf")

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/documents/new/",
        {"title": "Compte rendu", "file": upload},
        follow=True,
    )

    document = MeetingDocument.objects.get()
    assert response.redirect_chain == [(f"/coordination/meetings/{meeting.pk}/", 302)]
    assert "The document was added." in [str(m) for m in response.context["messages"]]
    assert (document.meeting, document.uploaded_by, document.title) == (
        meeting,
        gao_officer,
        "Compte rendu",
    )
    assert (document.original_name, document.content_type, document.size) == (
        "Compte rendu signé.pdf",
        "application/pdf",
        len(PDF),
    )
    assert f'href="/coordination/meetings/documents/{document.pk}/"' in response.text
    # Stored under a generated name, not the person's file name.
    [stored] = _stored_files(media)
    assert stored.read_bytes() == PDF and "Compte" not in stored.name


def test_upload_form_accepts_files_without_javascript(client_for, gao_officer):
    meeting = MeetingFactory()

    response = client_for(gao_officer).get(f"/coordination/meetings/{meeting.pk}/documents/new/")

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert 'type="file" name="file"' in response.text


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("rapport.pdf", PNG, MISMATCH % "pdf"),
        ("rapport.pdf", b"juste du texte", MISMATCH % "pdf"),
        ("photo.png", PDF, MISMATCH % "png"),
        ("script.exe", PDF, NOT_ACCEPTED),
        ("page.html", b"<html></html>", NOT_ACCEPTED),
    ],
)
def test_file_whose_content_does_not_match_is_refused_and_not_stored(
    client_for, gao_officer, media, name, content, error
):
    meeting = MeetingFactory()

    response = _upload(client_for(gao_officer), meeting, name=name, content=content)

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [error]}
    assert not MeetingDocument.objects.exists()
    assert _stored_files(media) == []


def test_file_over_the_size_limit_is_refused_and_not_stored(
    client_for, gao_officer, media, settings
):
    settings.UPLOAD_MAX_BYTES = 1024
    meeting = MeetingFactory()

    response = _upload(client_for(gao_officer), meeting, content=PDF + b"0" * 2048)

    assert response.status_code == 200
    assert "The file is too large" in response.context["form"].errors["file"][0]
    assert not MeetingDocument.objects.exists()
    assert _stored_files(media) == []


def test_upload_without_a_file_is_refused(client_for, gao_officer):
    meeting = MeetingFactory()

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/documents/new/", {"title": "x"}
    )

    assert response.context["form"].errors == {"file": ["This field is required."]}
    assert not MeetingDocument.objects.exists()


@pytest.mark.parametrize(
    "fixture", ["viewer", "fund_manager", "mopti_officer", "hq_user", "admin_user"]
)
def test_any_signed_in_user_downloads_a_meeting_document(
    db, request, client_for, gao_officer, fixture
):
    meeting = MeetingFactory()
    _upload(client_for(gao_officer), meeting, name="cr.pdf")
    document = MeetingDocument.objects.get()

    response = client_for(request.getfixturevalue(fixture)).get(
        f"/coordination/meetings/documents/{document.pk}/"
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="cr.pdf"' in response["Content-Disposition"]


def test_downloading_a_document_requires_sign_in(client, db):
    meeting = MeetingFactory()
    document = MeetingDocument.objects.create(
        meeting=meeting,
        file="attachments/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=3,
        uploaded_by=meeting.created_by,
    )

    response = client.get(f"/coordination/meetings/documents/{document.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_unknown_document_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/coordination/meetings/documents/999999/").status_code == 404
