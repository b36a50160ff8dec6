"""Hostile uploads: files whose content lies about their extension, files
over the size limit, file names that try to leave the storage folder, and
spreadsheets made to exhaust the server (an archive bomb, an enormous line,
a NUL byte). Each is refused with a message the person reads, and nothing
is stored or written; a file that is accepted is stored under a generated
name inside MEDIA_ROOT."""

import io
import re
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from coordination.models import MeetingDocument
from core import spreadsheets
from funding.models import Contribution, ExchangeRate
from projects.models import IndicatorEvidence, ProgressReportAttachment, ProjectDocument
from regions.models import PlanDocument, PlanUpdateAttachment, RegionalPlan
from tests.factories import (
    IndicatorReportFactory,
    MeetingFactory,
    OrganisationFactory,
    PlanFactory,
    PlanUpdateFactory,
    ProgressReportFactory,
    ProjectFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
# The start of a Windows executable (MZ header, then the PE signature).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def _zip(parts: dict[str, bytes]) -> bytes:
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return content.getvalue()


# A ZIP archive that is no Word document, holding a page with a script.
ZIP = _zip({"index.html": HTML})

MISMATCH = "The content of this file does not match its .{} extension."
NOT_ACCEPTED = "Only PDF, Word, Excel and image files (PNG, JPEG, GIF, WebP) are accepted."
FOLDERS = "The file name must not contain folders."

# (file name, content, the message shown)
DISGUISED = {
    "page renamed .pdf": ("rapport.pdf", HTML, MISMATCH.format("pdf")),
    "executable renamed .pdf": ("rapport.pdf", EXE, MISMATCH.format("pdf")),
    "executable renamed .png": ("photo.png", EXE, MISMATCH.format("png")),
    "Linux program renamed .jpg": ("photo.jpg", ELF, MISMATCH.format("jpg")),
    "page renamed .docx": ("note.docx", HTML, MISMATCH.format("docx")),
    "bare archive renamed .docx": ("note.docx", ZIP, MISMATCH.format("docx")),
    "page renamed .xlsx": ("tableau.xlsx", HTML, MISMATCH.format("xlsx")),
    "scripted image renamed .png": ("logo.png", SVG, MISMATCH.format("png")),
    "PDF named .html": ("rapport.html", PDF, NOT_ACCEPTED),
    "PDF named .svg": ("logo.svg", PDF, NOT_ACCEPTED),
    "PDF named .exe": ("setup.exe", PDF, NOT_ACCEPTED),
    "PDF with a second extension": ("rapport.pdf.exe", PDF, NOT_ACCEPTED),
    "PDF without extension": ("rapport", PDF, NOT_ACCEPTED),
}

# File names as a browser or a forged request may send them. Django keeps
# only what follows the last separator; whatever is left is data, never a
# path.
HOSTILE_NAMES = (
    "../../../../etc/cron.d/evil.pdf",
    "..\\..\\..\\windows\\system32\\evil.pdf",
    "/etc/passwd.pdf",
    "C:\\Users\\Public\\evil.pdf",
    "....//....//evil.pdf",
    "&#46;&#46;&#47;&#46;&#46;&#47;evil.pdf",
    "%2e%2e%2f%2e%2e%2fevil.pdf",
    "..pdf",
    ".htaccess.pdf",
    "évil\u202egnp.pdf",
    "a" * 300 + ".pdf",
)
STORED_NAME = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


class Target:
    """Where a kind of attachment is uploaded: the form's address, its other
    fields, the name of its file field, and the model that stores it."""

    def __init__(self, url: str, data: dict, field: str, model):
        self.url, self.data, self.field, self.model = url, data, field, model


def _targets(officer) -> dict[str, Target]:
    plan = PlanFactory(created_by=officer)
    update = PlanUpdateFactory(
        plan=PlanFactory(status=RegionalPlan.Status.VALIDATED), created_by=officer
    )
    project = ProjectFactory(created_by=officer)
    report = ProgressReportFactory(project=project, created_by=officer)
    indicator_report = IndicatorReportFactory(indicator__project=project, created_by=officer)
    meeting = MeetingFactory(created_by=officer)
    return {
        "plan document": Target(
            f"/plans/{plan.pk}/documents/new/", {"title": "x"}, "file", PlanDocument
        ),
        "update attachment": Target(
            f"/plans/updates/{update.pk}/attachments/new/",
            {"title": "x"},
            "file",
            PlanUpdateAttachment,
        ),
        "project document": Target(
            f"/projects/{project.pk}/documents/new/", {"title": "x"}, "file", ProjectDocument
        ),
        "report attachment": Target(
            f"/projects/reports/{report.pk}/attachments/new/",
            {"title": "x"},
            "file",
            ProgressReportAttachment,
        ),
        "evidence": Target(
            f"/projects/indicator-reports/{indicator_report.pk}/edit/",
            {
                "period_start": "2024-02-01",
                "period_end": "2024-03-31",
                "value": "800",
                "comment": "",
                "evidence_title": "x",
            },
            "evidence",
            IndicatorEvidence,
        ),
        "meeting document": Target(
            f"/coordination/meetings/{meeting.pk}/documents/new/",
            {"title": "x"},
            "file",
            MeetingDocument,
        ),
    }


KINDS = (
    "plan document",
    "update attachment",
    "project document",
    "report attachment",
    "evidence",
    "meeting document",
)


@pytest.fixture
def target(request, gao_officer):
    return _targets(gao_officer)[request.param]


@pytest.fixture
def officer_client(client, gao_officer):
    client.force_login(gao_officer)
    return client


def _post(client, target: Target, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content, "application/pdf")
    return client.post(target.url, {**target.data, target.field: upload})


def _file_errors(response, field: str) -> list[str]:
    assert response.status_code == 200, "the form should show again with its error"
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize("target", KINDS, indirect=True)
def test_a_pdf_is_accepted_so_that_the_refusals_below_mean_something(officer_client, target, media):
    response = _post(officer_client, target, "rapport.pdf", PDF)

    assert response.status_code == 302
    [stored] = target.model.objects.all()
    assert STORED_NAME.match(stored.file.name)
    assert [path.read_bytes() for path in _files_under(media)] == [PDF]


@pytest.mark.parametrize("case", DISGUISED)
@pytest.mark.parametrize("target", KINDS, indirect=True)
def test_a_file_disguised_by_its_extension_is_refused_and_not_stored(
    officer_client, target, media, case
):
    name, content, message = DISGUISED[case]

    response = _post(officer_client, target, name, content)

    assert _file_errors(response, target.field) == [message]
    assert not target.model.objects.exists()
    assert _files_under(media) == []


@pytest.mark.parametrize("target", KINDS, indirect=True)
def test_a_file_over_the_size_limit_is_refused_and_not_stored(
    officer_client, target, media, settings
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    content = PDF + b"0" * (settings.UPLOAD_MAX_BYTES + 1 - len(PDF))

    response = _post(officer_client, target, "gros.pdf", content)

    assert _file_errors(response, target.field) == [
        "The file is too large (1.0\xa0MB); the limit is 1.0\xa0MB."
    ]
    assert not target.model.objects.exists()
    assert _files_under(media) == []


def _multipart(fields: dict, field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A form body written by hand, so that the file name goes out exactly
    as given (the test client would keep only its last part)."""
    boundary = "hostile-upload-boundary"
    body = b""
    for name, value in fields.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    body += (
        f"--{boundary}\r\nContent-Disposition: form-data; "
        f'name="{field}"; filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode() + content
    body += f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("filename", HOSTILE_NAMES)
@pytest.mark.parametrize("target", KINDS, indirect=True)
def test_a_file_name_is_never_used_as_a_path(officer_client, target, media, tmp_path, filename):
    body, content_type = _multipart(target.data, target.field, filename, PDF)

    response = officer_client.post(target.url, body, content_type=content_type)

    # Nothing anywhere but in the media folder (tmp_path holds only it).
    assert [path for path in tmp_path.rglob("*") if not path.is_relative_to(media)] == []
    if response.status_code == 200:
        # Refused: the message says why, and nothing is stored.
        assert _file_errors(response, target.field) == [FOLDERS]
        assert not target.model.objects.exists()
        assert _files_under(media) == []
        return
    assert response.status_code == 302
    [stored] = target.model.objects.all()
    # Stored under a generated name, inside the media folder.
    assert STORED_NAME.match(stored.file.name), stored.file.name
    [path] = _files_under(media)
    assert path.resolve() == (media / stored.file.name).resolve()
    assert path.resolve().is_relative_to(media.resolve())
    # The person's name is kept as data only, without any folder.
    assert "/" not in stored.original_name and "\\" not in stored.original_name
    assert ".." not in stored.original_name.removesuffix("..pdf")
    assert len(stored.original_name) <= 255


def test_a_kept_file_name_is_sent_back_safely_on_download(officer_client, media, gao_officer):
    # Quotes and a line break, as HTML entities (which Django decodes), to
    # end the header's file name and start a header of their own.
    name = "rapport&quot;; filename=evil.html&#13;&#10;X-Injected: 1.pdf"
    plan = PlanFactory(created_by=gao_officer)
    body, content_type = _multipart({"title": ""}, "file", name, PDF)
    officer_client.post(f"/plans/{plan.pk}/documents/new/", body, content_type=content_type)
    document = PlanDocument.objects.get()

    response = officer_client.get(f"/plans/documents/{document.pk}/")

    assert document.original_name == 'rapport"; filename=evil.htmlX-Injected: 1.pdf'
    assert response.status_code == 200
    assert "X-Injected" not in response.headers
    assert response["Content-Disposition"] == (
        'attachment; filename="rapport\\"; filename=evil.htmlX-Injected: 1.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


# --- Spreadsheets for the imports -----------------------------------------------------

IMPORTS = {
    "contributions": ("/funding/contributions/import/", Contribution),
    "rates": ("/funding/rates/import/", ExchangeRate),
}
RATE_HEADERS = ["Currency", "Month", "Units per USD"]


def _workbook_parts() -> dict[str, bytes]:
    workbook = Workbook()
    workbook.active.append(RATE_HEADERS)
    workbook.active.append(["XOF", "2026-03", "600"])
    content = io.BytesIO()
    workbook.save(content)
    with zipfile.ZipFile(content) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _bomb(sheet_megabytes: int) -> bytes:
    """A real workbook whose sheet holds `sheet_megabytes` MB of blank space
    between its rows: about 1,000 times smaller compressed."""
    parts = _workbook_parts()
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    head, tail = sheet.split(b"</sheetData>")
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head)
            blank = b" " * (1024 * 1024)
            for _megabyte in range(sheet_megabytes):
                part.write(blank)
            part.write(b"</sheetData>" + tail)
    return content.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb(200)


@pytest.fixture
def fund_client(client, fund_manager):
    client.force_login(fund_manager)
    return client


def test_the_bomb_is_small_compressed_and_huge_inflated(bomb):
    parts = zipfile.ZipFile(io.BytesIO(bomb)).infolist()

    assert len(bomb) < 1024 * 1024 < settings.UPLOAD_MAX_BYTES
    assert sum(part.file_size for part in parts) > 200 * 1024 * 1024


@pytest.mark.parametrize("kind", IMPORTS)
def test_an_archive_bomb_is_refused_before_it_is_opened(fund_client, bomb, kind):
    url, model = IMPORTS[kind]
    upload = SimpleUploadedFile("bombe.xlsx", bomb, spreadsheets.XLSX_CONTENT_TYPE)

    with mock.patch.object(spreadsheets, "load_workbook", side_effect=AssertionError("opened")):
        response = fund_client.post(url, {"file": upload})

    errors = _file_errors(response, "file")
    assert len(errors) == 1
    assert errors[0].startswith("This workbook would take 200.0\xa0MB once opened")
    assert "it is refused" in errors[0]
    assert "Nothing was imported." in response.text
    assert not model.objects.exists()


def test_a_part_compressed_beyond_a_real_sheet_is_refused(fund_client):
    # 10 MB in all, under the total limit, but 1,000 times smaller compressed.
    upload = SimpleUploadedFile("taux.xlsx", _bomb(10), spreadsheets.XLSX_CONTENT_TYPE)

    response = fund_client.post("/funding/rates/import/", {"file": upload})

    [error] = _file_errors(response, "file")
    assert "is compressed beyond what a real spreadsheet is" in error
    assert not ExchangeRate.objects.exists()


def test_the_largest_real_workbook_passes_the_archive_check():
    # MAX_IMPORT_ROWS rows of the widest import, with text in every column.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Donor", "Mechanism", "Pledged amount", "Currency", "Pledge date"])
    for row in range(spreadsheets.MAX_IMPORT_ROWS):
        sheet.append(
            [f"Donateur {row}", "TF", 1000 + row, "XOF", "2026-03-15", "ML-7", "", f"R-{row}"]
            + ["Notes sur l'annonce et ses conditions " * 3]
        )
    content = io.BytesIO()
    workbook.save(content)

    spreadsheets.check_archive(content.getvalue())  # raises if refused


def test_a_damaged_workbook_is_refused_with_a_message(fund_client):
    upload = SimpleUploadedFile("taux.xlsx", b"PK\x03\x04 not really", "application/zip")

    response = fund_client.post("/funding/rates/import/", {"file": upload})

    assert _file_errors(response, "file") == [
        "This file could not be read as an Excel workbook (.xlsx)."
    ]


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_csv_with_an_enormous_line_is_refused_with_a_message(fund_client, kind):
    url, model = IMPORTS[kind]
    line = ",".join(["XOF"] * 1_000_000)  # 4 MB, a million cells
    content = f"Currency,Month,Units per USD\n{line}\n".encode()
    upload = SimpleUploadedFile("taux.csv", content, "text/csv")

    response = fund_client.post(url, {"file": upload})

    assert _file_errors(response, "file") == [
        "Line 2 of this file is longer than 100,000 characters."
    ]
    assert not model.objects.exists()


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_csv_with_a_nul_byte_is_refused_with_a_message(fund_client, kind):
    url, model = IMPORTS[kind]
    OrganisationFactory(name="Suède")
    rows = {
        "contributions": "Donor,Mechanism,Pledged amount,Currency,Pledge date\n"
        "Suède,TF,1000,USD,2026-03-15\nSuède,TF,1000\x00,USD,2026-03-16\n",
        "rates": "Currency,Month,Units per USD\nXOF,2026-03,600\nEUR,2026-03,0.9\x00\n",
    }[kind]
    upload = SimpleUploadedFile("fichier.csv", rows.encode(), "text/csv")

    response = fund_client.post(url, {"file": upload})

    assert _file_errors(response, "file") == [
        "Line 3 of this file holds a NUL character: it is not a CSV file in UTF-8. "
        "Save it again as “CSV UTF-8”."
    ]
    assert not model.objects.exists()


def test_an_import_over_the_size_limit_is_refused_unread(fund_client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    content = b"Currency,Month,Units per USD\n" + b"XOF,2026-03,600\n" * 70_000
    upload = SimpleUploadedFile("taux.csv", content, "text/csv")

    with mock.patch.object(spreadsheets, "read_table", side_effect=AssertionError("read")):
        response = fund_client.post("/funding/rates/import/", {"file": upload})

    [error] = _file_errors(response, "file")
    assert error.startswith("The file is too large")
    assert not ExchangeRate.objects.exists()
