"""Documents of a plan: uploaded by the region's editors, checked by content
and size, downloaded by any signed-in user once the plan is validated, and
before by headquarters and the region's office only (`reviews.visibility`)."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from regions.models import PlanDocument, RegionalPlan
from tests.factories import PlanFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


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


def test_officer_uploads_a_document_to_their_plan(client_for, gao_officer, media):
    plan = PlanFactory()
    upload = SimpleUploadedFile("Arrêté de validation.pdf", PDF, "application/pdf")

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/documents/new/", {"title": "Arrêté", "file": upload}, follow=True
    )

    document = PlanDocument.objects.get()
    assert response.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert (document.plan, document.uploaded_by, document.title) == (plan, gao_officer, "Arrêté")
    assert (document.original_name, document.content_type) == (
        "Arrêté de validation.pdf",
        "application/pdf",
    )
    assert f'href="/plans/documents/{document.pk}/"' in response.text
    # Stored under a generated name, not the person's file name.
    [stored] = _stored_files(media)
    assert stored.read_bytes() == PDF and "Arrêté" not in stored.name


def test_upload_form_accepts_files_without_javascript(client_for, gao_officer):
    plan = PlanFactory()

    response = client_for(gao_officer).get(f"/plans/{plan.pk}/documents/new/")

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert 'type="file" name="file"' in response.text


MISMATCH = "The content of this file does not match its .%s extension."
NOT_ACCEPTED = "Only PDF, Word, Excel and image files (PNG, JPEG, GIF, WebP) are accepted."


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("rapport.pdf", PNG, MISMATCH % "pdf"),
        ("rapport.pdf", b"just some text", MISMATCH % "pdf"),
        ("photo.png", PDF, MISMATCH % "png"),
        ("script.exe", PDF, NOT_ACCEPTED),
    ],
)
def test_file_whose_content_does_not_match_is_refused_and_not_stored(
    client_for, gao_officer, media, name, content, error
):
    plan = PlanFactory()
    upload = SimpleUploadedFile(name, content, "application/pdf")

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/documents/new/", {"title": "Rapport", "file": upload}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [error]}
    assert not PlanDocument.objects.exists()
    assert _stored_files(media) == []


def test_file_over_the_size_limit_is_refused_and_not_stored(
    client_for, gao_officer, media, settings
):
    settings.UPLOAD_MAX_BYTES = 1024
    plan = PlanFactory()
    upload = SimpleUploadedFile("gros.pdf", PDF + b"0" * 2048, "application/pdf")

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/documents/new/", {"title": "", "file": upload}
    )

    assert response.status_code == 200
    assert "The file is too large" in response.context["form"].errors["file"][0]
    assert not PlanDocument.objects.exists()
    assert _stored_files(media) == []


def test_upload_without_a_file_is_refused(client_for, gao_officer):
    plan = PlanFactory()

    response = client_for(gao_officer).post(f"/plans/{plan.pk}/documents/new/", {"title": "x"})

    assert response.context["form"].errors == {"file": ["This field is required."]}
    assert not PlanDocument.objects.exists()


@pytest.mark.parametrize(
    ("fixture", "status", "reads"),
    [
        ("viewer", "validated", True),
        ("viewer", "archived", True),
        ("viewer", "draft", False),
        ("viewer", "under_review", False),
        ("mopti_officer", "validated", True),
        ("mopti_officer", "draft", False),
        ("gao_officer", "draft", True),
        ("fund_manager", "draft", True),
        ("hq_user", "draft", True),
        ("hq_user", "validated", True),
    ],
)
def test_plan_document_is_downloaded_by_all_once_validated_and_before_by_hq_and_the_office(
    db, request, client_for, gao_officer, fixture, status, reads
):
    plan = PlanFactory()
    client = client_for(gao_officer)
    client.post(
        f"/plans/{plan.pk}/documents/new/",
        {"file": SimpleUploadedFile("prsr.pdf", PDF, "application/pdf")},
    )
    document = PlanDocument.objects.get()
    RegionalPlan.objects.filter(pk=plan.pk).update(status=status)

    response = client_for(request.getfixturevalue(fixture)).get(f"/plans/documents/{document.pk}/")

    if not reads:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="prsr.pdf"' in response["Content-Disposition"]


def test_downloading_a_document_requires_sign_in(client, db):
    plan = PlanFactory()
    document = PlanDocument.objects.create(
        plan=plan,
        file="attachments/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=3,
        uploaded_by=plan.created_by,
    )

    response = client.get(f"/plans/documents/{document.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_unknown_document_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/plans/documents/999999/").status_code == 404
