"""Organisations, meetings and decisions as CSV and XLSX: each list's filtered
rows, all of them, headers in the reader's language, the same for every
reader (everyone signed in reads coordination), a fixed number of queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coordination.models import Decision, Organisation
from tests.factories import BodyFactory, DecisionFactory, MeetingFactory, OrganisationFactory


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv(response, delimiter=";") -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_organisations_xlsx_has_the_filtered_rows_a_frozen_header_and_filters(client_for, viewer):
    OrganisationFactory(name="Agence française", kind=Organisation.Kind.BILATERAL)
    OrganisationFactory(name="ONG locale", kind=Organisation.Kind.NATIONAL_NGO, country="ML")

    sheet = _xlsx(
        client_for(viewer).get("/coordination/organisations/export.xlsx", {"kind": "ngo"})
    )

    rows = _rows(sheet)
    assert rows[0][:4] == ["Nom", "Sigle", "Type", "Pays"]
    assert [row[0] for row in rows[1:]] == ["ONG locale"]
    assert rows[1][3] == "Mali"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G2"


def test_organisations_csv_in_english(client_for, viewer):
    OrganisationFactory(name="Agence française", country="FR")
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    rows = _csv(client.get("/coordination/organisations/export.csv"), delimiter=",")

    assert rows[0][:4] == ["Name", "Acronym", "Kind", "Country"]
    assert rows[1][3] == "France"


def test_meetings_export_has_the_meetings_of_the_chosen_body(client_for, viewer):
    body = BodyFactory(name="Comité de Gao")
    starts = timezone.make_aware(datetime.datetime(2024, 5, 2, 9, 30))
    MeetingFactory(body=body, starts_at=starts, place="Gouvernorat")
    MeetingFactory(body=BodyFactory(name="Autre comité"))

    rows = _csv(client_for(viewer).get("/coordination/meetings/export.csv", {"body": body.pk}))

    assert rows[0][2:4] == ["Organe", "Région"]
    assert rows[1:] == [
        [
            "2024-05-02",
            "09:30",
            "Comité de Gao",
            "Gao",
            "Gouvernorat",
            "1. Point sécuritaire\n2. Avancement des projets",
            "0",
        ]
    ]


def test_decisions_export_follows_the_status_filter(client_for, viewer):
    DecisionFactory(text="Ouverte", status=Decision.Status.OPEN)
    DecisionFactory(text="Faite", status=Decision.Status.DONE)

    rows = _rows(
        _xlsx(client_for(viewer).get("/coordination/decisions/export.xlsx", {"status": "done"}))
    )

    assert rows[0][0] == "Décision"
    assert [row[0] for row in rows[1:]] == ["Faite"]
    assert rows[1][6] == "réalisée"


def test_the_lists_link_to_their_files_with_their_filters(client_for, viewer):
    client = client_for(viewer)

    for path in ("organisations", "meetings", "decisions"):
        html = client.get(f"/coordination/{path}/", {"q": "eau"}).content.decode()
        assert f'href="/coordination/{path}/export.csv?q=eau"' in html
        assert f'href="/coordination/{path}/export.xlsx?q=eau"' in html


def test_exports_need_signing_in(client):
    response = client.get("/coordination/decisions/export.csv")

    assert response.status_code == 302


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/coordination/organisations/export.xlsx", lambda: OrganisationFactory()),
        ("/coordination/meetings/export.csv", lambda: MeetingFactory()),
        ("/coordination/decisions/export.xlsx", lambda: DecisionFactory(owner_user=None)),
    ],
)
def test_coordination_files_cost_the_same_queries_whatever_the_rows(client_for, viewer, path, make):
    client = client_for(viewer)
    make()
    few = _count(client, path)
    for _ in range(6):
        make()

    # The session and the user; the filter form's choices where they are read
    # from the database (the organisations' countries); the rows.
    assert _count(client, path) == few <= 4
