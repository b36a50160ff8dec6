"""Files attached to plan updates: upload by the region's editors while the
update is open, download by every signed-in user once the update is approved
(before, by headquarters and the region's office only), bad files refused."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from regions.models import PlanUpdate, PlanUpdateAttachment
from reviews import services as review
from tests.factories import PlanUpdateFactory, PriorityProgressFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n" + b"0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


@pytest.fixture
def media(tmp_path, settings, client):
    settings.MEDIA_ROOT = tmp_path
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return tmp_path


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_officer_attaches_a_file_to_a_draft_update(client_for, gao_officer, media):
    update = PlanUpdateFactory()
    upload = SimpleUploadedFile("Rapport T1.pdf", PDF, "application/pdf")

    response = client_for(gao_officer).post(
        f"/plans/updates/{update.pk}/attachments/new/",
        {"title": "Rapport du premier trimestre", "file": upload},
        follow=True,
    )

    assert response.redirect_chain == [(f"/plans/updates/{update.pk}/", 302)]
    attachment = PlanUpdateAttachment.objects.get()
    assert attachment.update == update
    assert attachment.original_name == "Rapport T1.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.uploaded_by == gao_officer
    assert "Rapport T1" not in attachment.file.name  # stored under a generated name
    assert [path.read_bytes() for path in stored_files(media)] == [PDF]
    assert "File attached." in response.text
    assert f'href="/plans/updates/attachments/{attachment.pk}/"' in response.text
    assert "Rapport du premier trimestre" in response.text


def test_upload_form_sends_files(client_for, gao_officer, media):
    update = PlanUpdateFactory()

    response = client_for(gao_officer).get(f"/plans/updates/{update.pk}/attachments/new/")

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert 'type="file"' in response.text


def test_signed_in_user_downloads_an_approved_updates_attachment_under_its_name(
    client_for, gao_officer, viewer, media
):
    update = PlanUpdateFactory()
    client_for(gao_officer).post(
        f"/plans/updates/{update.pk}/attachments/new/",
        {"file": SimpleUploadedFile("Rapport T1.pdf", PDF)},
    )
    attachment = PlanUpdateAttachment.objects.get()
    url = f"/plans/updates/attachments/{attachment.pk}/"
    # A draft's file: the region's office downloads it, a viewer does not find it.
    assert client_for(gao_officer).get(url).status_code == 200
    assert client_for(viewer).get(url).status_code == 404
    PlanUpdate.objects.filter(pk=update.pk).update(review_status="approved")

    response = client_for(viewer).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Rapport T1.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_requires_sign_in(client, db):
    response = client.get("/plans/updates/attachments/1/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_unknown_attachment_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/plans/updates/attachments/999/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", PNG, "does not match its .pdf extension"),
        ("photo.png", b"just some text, not an image" * 10, "does not match its .png extension"),
        ("outil.exe", b"MZ" + b"\0" * 200, "Only PDF, Word, Excel and image files"),
    ],
)
def test_file_whose_content_does_not_fit_is_refused(
    client_for, gao_officer, media, name, content, message
):
    update = PlanUpdateFactory()

    response = client_for(gao_officer).post(
        f"/plans/updates/{update.pk}/attachments/new/",
        {"file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    assert message in response.text
    assert not PlanUpdateAttachment.objects.exists()
    assert stored_files(media) == []


def test_file_over_the_size_limit_is_refused(client_for, gao_officer, media, settings):
    settings.UPLOAD_MAX_BYTES = 100
    update = PlanUpdateFactory()

    response = client_for(gao_officer).post(
        f"/plans/updates/{update.pk}/attachments/new/",
        {"file": SimpleUploadedFile("rapport.pdf", PDF)},
    )

    assert response.status_code == 200
    assert "The file is too large" in response.text
    assert not PlanUpdateAttachment.objects.exists()
    assert stored_files(media) == []


def test_no_upload_while_the_update_awaits_review(client_for, gao_officer, media):
    update = PriorityProgressFactory().update
    review.submit(update, by=gao_officer)
    client = client_for(gao_officer)

    form = client.get(f"/plans/updates/{update.pk}/attachments/new/")
    post = client.post(
        f"/plans/updates/{update.pk}/attachments/new/",
        {"file": SimpleUploadedFile("rapport.pdf", PDF)},
        follow=True,
    )

    assert form.status_code == 302
    assert post.redirect_chain == [(f"/plans/updates/{update.pk}/", 302)]
    assert "awaits review" in post.text
    assert not PlanUpdateAttachment.objects.exists()
    assert stored_files(media) == []
