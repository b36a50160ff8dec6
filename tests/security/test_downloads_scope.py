"""What leaves the portal as a file: attachments, exports and calendar feeds.

Each is answered to the same people as the page it comes from, for every
role; none is reachable without signing in except a calendar feed, whose
secret key is the credential. The exact coordinates of a sensitive location
never leave in a file, whoever asks; on a page, only the mission's staff see
them."""

import io
import logging
import re
import uuid
import zipfile

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from tests.security.conftest import CSRF_SECRET, PDF, PUBLIC_LATITUDE, ROLES, SECRET_MARKS
from tests.security.routes import SEE_COORDINATES

pytestmark = pytest.mark.django_db

SIGNED_IN = [role for role in ROLES if role != "anonymous"]
# Headquarters reads every record in every state; the others only what is
# published and, for a regional office, the drafts of its regions.
NOT_HEADQUARTERS = set(SIGNED_IN) - {"hq_officer", "fund_manager", "administrator"}
VARIANTS = ["gao", "mopti"]

# (file route, kind of record it serves, page route, kind of record the page shows)
ATTACHMENTS = [
    ("regions:plan_document", "plan_document", "regions:plan", "plan"),
    ("regions:update_attachment", "update_attachment", "regions:update", "update"),
    ("projects:document", "project_document", "projects:detail", "project"),
    (
        "projects:report_attachment",
        "report_attachment",
        "projects:progress_report",
        "progress_report",
    ),
    ("projects:evidence", "evidence", "projects:indicator_report", "indicator_report"),
    ("coordination:meeting_document", "meeting_document", "coordination:meeting", "meeting"),
]

# (export route, its arguments, the page whose rows it writes)
EXPORTS = [
    ("projects:export_csv", [], "projects:list"),
    ("projects:export_xlsx", [], "projects:list"),
    ("projects:export_iati", [], "projects:list"),
    ("funding:contribution_export_csv", [], "funding:contribution_list"),
    ("funding:contribution_export_xlsx", [], "funding:contribution_list"),
    ("funding:rate_export_csv", [], "funding:rate_list"),
    ("funding:rate_export_xlsx", [], "funding:rate_list"),
    ("funding:project_ledger_csv", ["qip"], "funding:detail"),
    ("funding:project_ledger_xlsx", ["qip"], "funding:detail"),
]
PROJECT_EXPORTS = ["projects:export_csv", "projects:export_xlsx", "projects:export_iati"]


@pytest.fixture(autouse=True)
def quiet_refusals():
    loggers = [logging.getLogger(name) for name in ("django.request", "security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def text_of(response) -> str:
    """The file as text: a workbook's cells one per line, and also every
    part of it as stored (names, properties), should anything hide there."""
    if not response.body.startswith(b"PK"):
        return response.body.decode("utf-8")
    workbook = load_workbook(io.BytesIO(response.body), read_only=True)
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    with zipfile.ZipFile(io.BytesIO(response.body)) as parts:
        stored = [parts.read(name).decode() for name in parts.namelist() if name.endswith(".xml")]
    return "\n".join(cells + stored)


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- Attachments -------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("route", "kind", "page_route", "page_kind"), ATTACHMENTS)
def test_an_attachment_is_served_to_whoever_reads_its_page(
    portal, route, kind, page_route, page_kind, variant
):
    attachment = portal[kind, variant]
    page_url = reverse(page_route, args=[portal[page_kind, variant].pk])
    file_url = reverse(route, args=[attachment.pk])

    for role in ROLES:
        page = portal.request(role, "GET", page_url)
        served = portal.request(role, "GET", file_url)

        assert served.status_code == page.status_code, role
        if role == "anonymous":
            assert _is_sign_in_redirect(served)
            assert PDF not in served.body
            continue
        if page.status_code == 404:
            # Not published, and not the reader's region: neither page nor file
            # (who reads what, state by state: test_visibility_by_state.py).
            assert role in NOT_HEADQUARTERS and PDF not in served.body, role
            continue
        assert served.status_code == 200, role
        assert served.body == PDF
        assert served["Content-Disposition"].startswith("attachment;")
        assert attachment.original_name in served["Content-Disposition"]
        assert served["X-Content-Type-Options"] == "nosniff"
        assert "private" in served["Cache-Control"]


@pytest.mark.parametrize(("route", "kind", "page_route", "page_kind"), ATTACHMENTS)
def test_an_attachment_that_does_not_exist_is_not_found(portal, route, kind, page_route, page_kind):
    assert portal.request("viewer", "GET", reverse(route, args=[999_999])).status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "viewer", "administrator"])
def test_stored_files_are_not_served_from_the_media_address(portal, role):
    # Only the views above serve them, after their checks.
    stored = portal["project_document", "gao"].file.name

    response = portal.request(role, "GET", f"/media/{stored}")

    assert response.status_code == 404
    assert PDF not in response.body


# --- Exports -----------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "args", "page_route"), EXPORTS)
def test_an_export_is_served_to_whoever_reads_its_page(portal, route, args, page_route):
    page_args = args if page_route == "funding:detail" else []
    page_url = reverse(page_route, args=page_args)
    file_url = reverse(route, args=args)

    for role in ROLES:
        page = portal.request(role, "GET", page_url)
        served = portal.request(role, "GET", file_url)

        assert served.status_code == page.status_code, role
        if role == "anonymous":
            assert _is_sign_in_redirect(served)
        else:
            assert served.status_code == 200, role
            assert "filename=" in served["Content-Disposition"]
            assert not any(mark in text_of(served) for mark in SECRET_MARKS), role


@pytest.mark.parametrize("route", PROJECT_EXPORTS)
def test_project_exports_never_carry_a_sensitive_locations_coordinates(portal, route):
    for role in SIGNED_IN:
        text = text_of(portal.request(role, "GET", reverse(route)))

        for mark in SECRET_MARKS:
            assert mark not in text, f"{role}: {mark}"
        # The locations are written (those that are not sensitive, with their
        # coordinates): the absence above is not that of the whole column.
        assert str(PUBLIC_LATITUDE) in text, role
        if route == "projects:export_iati":
            # Open data leaves out a sensitive place altogether, even its name.
            assert "Site protégé" not in text
        else:
            assert "Site protégé" in text


def test_money_import_templates_are_for_the_money_people_only(portal):
    for route in ("funding:contribution_import_template", "funding:rate_import_template"):
        for role in SIGNED_IN:
            served = portal.request(role, "GET", reverse(route))
            expected = 200 if role in ("fund_manager", "administrator") else 403
            assert served.status_code == expected, (route, role)


# --- Coordinates on pages ----------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_only_the_missions_staff_see_a_sensitive_locations_coordinates(portal, variant):
    url = reverse("projects:detail", args=[portal["project", variant].pk])

    for role in SIGNED_IN:
        page = portal.request(role, "GET", url).body.decode()

        shown = any(mark in page for mark in SECRET_MARKS)
        assert shown is (role in SEE_COORDINATES), role
        assert "Site protégé" in page  # the place itself is no secret


# --- Calendar feeds ----------------------------------------------------------------------

MEETING_UID = re.compile(r"UID:meeting-(\d+)@")


def _feed(token, body=None) -> str:
    if body is None:
        return reverse("coordination:feed", args=[token])
    return reverse("coordination:body_feed", args=[token, body.pk])


def _meetings(portal) -> dict[str, int]:
    return {variant: portal["meeting", variant].pk for variant in ("gao", "mopti", "national")}


@pytest.mark.parametrize("role", SIGNED_IN)
def test_a_persons_feed_lists_the_meetings_their_meetings_page_lists(portal, role):
    token = portal.users[role].calendar_token
    page = portal.request(role, "GET", reverse("coordination:meetings")).body.decode()

    # The key is the credential: the feed answers without any session.
    for asker in (role, "anonymous"):
        served = portal.request(asker, "GET", _feed(token))
        assert served.status_code == 200
        assert served["Content-Type"].startswith("text/calendar")
        in_feed = {int(pk) for pk in MEETING_UID.findall(served.body.decode())}
        for pk in _meetings(portal).values():
            assert pk in in_feed
            assert reverse("coordination:meeting", args=[pk]) in page
        assert not any(mark in served.body.decode() for mark in SECRET_MARKS)


@pytest.mark.parametrize("variant", ["gao", "mopti", "national"])
def test_a_bodys_feed_lists_only_that_bodys_meetings(portal, variant):
    token = portal.users["viewer"].calendar_token

    served = portal.request("anonymous", "GET", _feed(token, portal["body", variant]))

    assert served.status_code == 200
    in_feed = {int(pk) for pk in MEETING_UID.findall(served.body.decode())}
    assert in_feed == {portal["meeting", variant].pk}


def test_a_feed_needs_a_key_that_belongs_to_an_active_person(portal):
    viewer = portal.users["viewer"]
    body = portal["body", "gao"]

    for url in (_feed(uuid.uuid4()), _feed(uuid.uuid4(), body)):
        assert portal.request("anonymous", "GET", url).status_code == 404
    with transaction.atomic():
        type(viewer).objects.filter(pk=viewer.pk).update(is_active=False)
        for url in (_feed(viewer.calendar_token), _feed(viewer.calendar_token, body)):
            assert portal.request("anonymous", "GET", url).status_code == 404
        transaction.set_rollback(True)


def test_a_new_key_revokes_the_old_addresses(portal):
    viewer = portal.users["viewer"]
    old = viewer.calendar_token

    with transaction.atomic():
        client = portal.client("viewer")
        reset = client.post(
            reverse("coordination:calendar_reset"), headers={"X-CSRFToken": CSRF_SECRET}
        )
        assert reset.status_code == 302
        viewer.refresh_from_db()
        assert client.get(_feed(old)).status_code == 404
        assert client.get(_feed(viewer.calendar_token)).status_code == 200
        transaction.set_rollback(True)
    viewer.refresh_from_db()
