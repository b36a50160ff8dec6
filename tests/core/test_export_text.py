"""Text holding control characters or Unicode non-characters: forms refuse
it, and the exports (IATI XML, XLSX, CSV) stay readable whatever older rows
still hold."""

import csv
import io
from xml.etree import ElementTree as ET

import pytest
from django import forms
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.forms import Form
from core.spreadsheets import csv_response, neutralize, xlsx_response
from core.text import FORBIDDEN_CHARACTERS, clean_text
from projects.iati import iati_response
from projects.models import Project
from tests.factories import OrganisationFactory, ProjectFactory

# Any text that a database can store, biased towards the characters that
# break XML. (NUL cannot be stored on PostgreSQL, and Django's forms refuse it
# everywhere: it never reaches an export.)
TEXTS = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_characters="\x00"),
        st.sampled_from("\x01\x08\x0b\x0c\x1f\x7f\x85\ufffe\uffff\ufdd0\U0001fffe\t\n\r<&>"),
    ),
    max_size=60,
)
EXAMPLES = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@given(title=TEXTS)
@EXAMPLES
def test_clean_text_leaves_only_what_xml_can_hold(title):
    cleaned = clean_text(title)

    assert not FORBIDDEN_CHARACTERS.search(cleaned)
    assert all(char in cleaned for char in "\t\n\r" if char in title)
    ET.fromstring(f"<a>{_xml_escape(cleaned)}</a>")  # raises if XML refuses it


def _as_xml_reads(text: str) -> str:
    """`text` as an XML parser gives it back: line ends normalised to LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@given(title=TEXTS)
@EXAMPLES
def test_xlsx_export_opens_whatever_the_stored_title(title):
    response = xlsx_response([("Title", lambda row: row)], [title], stem="t", title="Titles")

    workbook = load_workbook(io.BytesIO(_body(response)))  # raises if unreadable
    # A row of empty cells only (a title of control characters) is no row
    # of the file.
    [_header, *rows] = list(workbook.worksheets[0].iter_rows(values_only=True))
    cell = rows[0][0] if rows else None
    assert (cell or "") == _as_xml_reads(neutralize(clean_text(title)))


@given(title=TEXTS)
@EXAMPLES
def test_csv_export_holds_no_control_character(title):
    text = _body(csv_response([("Title", lambda row: row)], iter([title]), stem="t")).decode()

    assert not FORBIDDEN_CHARACTERS.search(text)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert not FORBIDDEN_CHARACTERS.search("".join(cell for row in rows for cell in row))


@pytest.fixture
def project(db, settings):
    settings.IATI_ORGANISATION_ID = "XM-TEST-42"
    return ProjectFactory(implementing_partner=OrganisationFactory())


@given(title=TEXTS)
@EXAMPLES
def test_iati_file_stays_well_formed_whatever_the_stored_title(project, title):
    Project.objects.filter(pk=project.pk).update(title=title, summary=title)
    project.implementing_partner.__class__.objects.filter(
        pk=project.implementing_partner_id
    ).update(name=title)

    content = _body(iati_response(Project.objects.filter(pk=project.pk)))

    root = ET.fromstring(content)  # raises if the file is not well formed
    narratives = [element.text or "" for element in root.iter("narrative")]
    assert _as_xml_reads(clean_text(title)) in narratives


def test_iati_export_of_a_title_with_a_control_character_is_well_formed(client, hq_user):
    ProjectFactory(title="Marché\x01 de Gao\ufffe")
    client.force_login(hq_user)

    content = _body(client.get("/projects/iati.xml"))

    root = ET.fromstring(content)
    assert "Marché de Gao" in [element.text for element in root.iter("narrative")]


def test_xlsx_export_of_a_title_with_a_non_character_opens(client, hq_user):
    ProjectFactory(title="Marché de Gao\ufffe\x01")
    client.force_login(hq_user)

    content = _body(client.get("/projects/export.xlsx"))

    workbook = load_workbook(io.BytesIO(content))
    texts = [v for row in workbook.worksheets[0].iter_rows(values_only=True) for v in row]
    assert "Marché de Gao" in texts


class _TextForm(Form):
    title = forms.CharField()
    notes = forms.CharField(widget=forms.Textarea, required=False)


@pytest.mark.parametrize("text", ["a\x01b", "titre\ufffe", "a\x0bb", "x\x85y", "x\ufdd0"])
def test_every_portal_form_refuses_control_characters(text):
    form = _TextForm(data={"title": text, "notes": "ok"})

    # In English whatever ran before (the portal's default language is French).
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["title"] == [
            "Remove the invisible control characters from this text (often pasted by mistake)."
        ]


def test_tabs_and_line_breaks_are_still_accepted():
    form = _TextForm(data={"title": "a\tb", "notes": "one\r\ntwo\nthree"})

    assert form.is_valid(), form.errors


def test_project_form_refuses_a_title_with_a_control_character(client, gao_officer):
    from tests.projects.test_project_forms import project_data

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(gao_officer)

    response = client.post("/projects/new/", project_data(title="Marché\x01 de Gao"))

    assert response.status_code == 200
    assert "Remove the invisible control characters" in response.text
    assert not Project.objects.exists()
