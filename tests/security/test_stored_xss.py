"""Stored cross-site scripting: text that people type into any record comes
back escaped on every page, file, feed and e-mail that shows it.

Every text field of every kind of record holds a payload (a script, an
attribute break-out, a title break-out, a template expression, a
`javascript:` address and a spreadsheet formula), with a short code of its
own so that each page can be asked for the fields it must show. Pages must
show each of their fields escaped and never the raw markup; exports must
keep the formula as text; the IATI file and the calendar feed must stay
well formed with the payload as mere text; e-mails are plain text only."""

import csv
import io
from xml.etree import ElementTree as ET

import pytest
from django.conf import settings
from django.core import mail
from icalendar import Calendar
from openpyxl import load_workbook

from accounts.roles import Role
from regions.models import Region, RegionalPlan
from reviews import services as review_services
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    DecisionFactory,
    DepositFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    IndicatorFactory,
    IndicatorReportFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanUpdateFactory,
    PriorityFactory,
    PriorityProgressFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
    UserFactory,
)

SCRIPT = '<script>alert("{code}")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
TITLE = "</title><svg onload=alert(1)>"
TEMPLATE = "{{7*7}}"
JAVASCRIPT = "javascript:alert(1)"
FORMULA = '=HYPERLINK("https://evil.test","x")'

# What must never reach a page as markup.
# What a spreadsheet would run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
RAW = (
    "<script>alert(",
    "<img src=x onerror",
    "<svg onload",
    'href="javascript:',
    "href='javascript:",
)


def payload(code: str, room: int) -> str:
    """The payloads, as many as fit in `room` characters, with `code` in the
    script so that a page can be asked whether it shows that field."""
    script = SCRIPT.format(code=code)
    if room < 100:
        return script
    if room < 200:
        return f"{FORMULA}{script}{ATTRIBUTE}"
    return f"{FORMULA}{script}{ATTRIBUTE}{TITLE}{TEMPLATE} {JAVASCRIPT}"


def escaped(code: str) -> str:
    """The script of `code` as an escaped page shows it."""
    return f"&lt;script&gt;alert(&quot;{code}&quot;)&lt;/script&gt;"


class Hostile:
    """The records, each text field filled with its payload."""


@pytest.fixture
def hostile(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    gao = Region.objects.get(code="ML-7")
    records = Hostile()
    officer = UserFactory(
        username="officer",
        first_name=payload("FN", 150),
        last_name=payload("LN", 150),
        role=Role.REGIONAL_OFFICER,
        office=gao.offices.first(),
    )
    reviewer = UserFactory(
        username="reviewer",
        first_name=payload("RF", 150),
        last_name="Reviewer",
        is_staff=True,
        is_superuser=True,
        role=Role.HQ_OFFICER,
    )
    records.officer, records.reviewer = officer, reviewer

    organisation = OrganisationFactory(
        name=payload("ON", 200), acronym=payload("OA", 30), website=JAVASCRIPT
    )
    records.organisation = organisation
    body = BodyFactory(name=payload("BN", 250), region=gao)
    records.body = body
    MembershipFactory(body=body, organisation=organisation)
    meeting = MeetingFactory(
        body=body,
        created_by=officer,
        place=payload("MP", 200),
        agenda=payload("MA", 10_000) + "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected;x,y\\",
        minutes=payload("MM", 10_000),
    )
    records.meeting = meeting
    records.decision = DecisionFactory(meeting=meeting, text=payload("DT", 10_000))

    plan = PlanFactory(
        region=gao,
        created_by=officer,
        title=payload("PT", 250),
        context_analysis=payload("PC", 10_000),
        status=RegionalPlan.Status.VALIDATED,
    )
    records.plan = plan
    priority = PriorityFactory(plan=plan, title=payload("PR", 250))
    update = PlanUpdateFactory(plan=plan, created_by=officer, narrative=payload("UN", 10_000))
    PriorityProgressFactory(update=update, priority=priority, narrative=payload("PN", 10_000))
    records.update = update

    project = ProjectFactory(
        region=gao,
        created_by=officer,
        focal_point=officer,
        implementing_partner=organisation,
        priority=priority,
        title=payload("JT", 250),
        summary=payload("JS", 10_000),
    )
    records.project = project
    LocationFactory(project=project, place=payload("LP", 200))
    indicator = IndicatorFactory(project=project, title=payload("IT", 250), unit=payload("IU", 50))
    records.indicator_report = IndicatorReportFactory(
        indicator=indicator, created_by=officer, comment=payload("IC", 10_000)
    )
    records.progress_report = ProgressReportFactory(
        project=project, created_by=officer, narrative=payload("RN", 10_000)
    )

    contribution = ContributionFactory(
        donor=organisation,
        reference=payload("CR", 100),
        notes=payload("CN", 10_000),
        recorded_by=reviewer,
    )
    records.contribution = contribution
    DepositFactory(contribution=contribution, reference=payload("DR", 100), recorded_by=reviewer)
    FundingApprovalFactory(
        project=project, decision_reference=payload("AR", 100), recorded_by=reviewer
    )
    TrancheFactory(project=project, reference=payload("TR", 100), recorded_by=reviewer)
    ExpenditureFactory(
        project=project,
        description=payload("ED", 300),
        beyond_transfers=True,
        explanation=payload("EE", 10_000),
        recorded_by=reviewer,
    )
    return records


@pytest.fixture
def reader(client, hostile):
    """The reviewer (headquarters, administrator: every page), in English."""
    client.force_login(hostile.reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _pages(records) -> dict[str, tuple[str, ...]]:
    """Each page and the codes of the fields it must show."""
    project = records.project
    plan = records.plan
    return {
        "/": (),
        "/regions/ML-7/": ("PT", "JT"),
        "/plans/": ("PT",),
        plan.get_absolute_url(): ("PT", "PC", "PR"),
        f"/plans/{plan.pk}/report/": ("PT", "PC", "PR"),
        records.update.get_absolute_url(): ("PT", "UN", "PN", "FN"),
        "/projects/": ("JT", "OA"),
        project.get_absolute_url(): (
            "JT",
            "JS",
            "LP",
            "IT",
            "IU",
            "PR",
            "ON",
            "FN",
            "LN",
            "AR",
            "TR",
            "ED",
            "EE",
        ),
        records.progress_report.get_absolute_url(): ("JT", "RN", "FN"),
        records.indicator_report.get_absolute_url(): ("JT", "IT", "IC", "FN"),
        "/coordination/": (),
        "/coordination/organisations/": ("ON", "OA"),
        records.organisation.get_absolute_url(): ("ON", "OA", "BN"),
        records.body.get_absolute_url(): ("BN", "ON"),
        "/coordination/meetings/": ("BN",),
        records.meeting.get_absolute_url(): ("BN", "MP", "MA", "MM", "DT"),
        "/coordination/decisions/": ("DT",),
        records.decision.get_absolute_url(): ("DT", "BN"),
        "/coordination/calendar/": ("BN",),
        "/funding/contributions/": ("ON",),
        records.contribution.get_absolute_url(): ("ON", "CR", "CN", "DR"),
        f"/funding/contributions/{records.contribution.pk}/report/": ("ON", "CR"),
        f"/funding/donors/{records.organisation.pk}/report/": ("ON", "CR"),
        "/funding/qip/": ("JT",),
        "/funding/qip/report/": ("JT",),
        "/reviews/": (),
        "/audit/": (),
    }


def _problems_of_page(url: str, response, codes) -> list[str]:
    text = response.content.decode()
    problems = [f"{url}: shows {raw!r} as markup" for raw in RAW if raw in text]
    problems += [
        f"{url}: does not show {code} escaped" for code in codes if escaped(code) not in text
    ]
    policy = response.get("Content-Security-Policy", "")
    if "script-src" not in policy and "default-src" not in policy:
        problems.append(f"{url}: no content security policy")
    if "'unsafe-inline'" in policy:
        problems.append(f"{url}: the content security policy allows inline script")
    return problems


def test_every_page_shows_the_payloads_escaped(reader, hostile):
    # Waiting in the queue, so that the queue and the dashboard list them.
    review_services.submit(hostile.update, by=hostile.officer, notify=False)
    review_services.submit(hostile.progress_report, by=hostile.officer, notify=False)
    review_services.submit(hostile.indicator_report, by=hostile.officer, notify=False)

    problems = []
    for url, codes in _pages(hostile).items():
        response = reader.get(url)
        assert response.status_code == 200, url
        problems += _problems_of_page(url, response, codes)

    assert problems == []


def test_the_review_queue_shows_the_submitted_items_escaped(reader, hostile):
    review_services.submit(hostile.indicator_report, by=hostile.officer, notify=False)

    response = reader.get("/reviews/")

    # The indicator report is named after its indicator; its submitter by name.
    assert _problems_of_page("/reviews/", response, ("IT", "FN")) == []


def test_the_audit_shows_changed_values_escaped(reader, hostile):
    response = reader.get("/audit/")

    assert _problems_of_page("/audit/", response, ("JT", "PT")) == []


def test_a_javascript_address_is_never_a_link(reader, hostile):
    response = reader.get(hostile.organisation.get_absolute_url())

    assert 'href="javascript:' not in response.text.replace("&#x27;", "'")
    assert JAVASCRIPT in response.text  # still shown, as text


def test_editing_forms_give_the_payload_back_escaped(reader, hostile):
    draft = PlanFactory(created_by=hostile.officer, title=payload("DP", 250))
    for url, codes in {
        f"/projects/{hostile.project.pk}/edit/": ("JT", "JS"),
        f"/plans/{draft.pk}/edit/": ("DP",),
        f"/coordination/meetings/{hostile.meeting.pk}/edit/": ("MP", "MA", "MM"),
        f"/coordination/organisations/{hostile.organisation.pk}/edit/": ("ON", "OA"),
        f"/funding/contributions/{hostile.contribution.pk}/edit/": ("CR", "CN"),
    }.items():
        response = reader.get(url)
        assert response.status_code == 200, url
        assert _problems_of_page(url, response, codes) == []


def test_htmx_partials_show_the_payloads_escaped(reader, hostile):
    region = hostile.project.region
    partials = {
        "/projects/": ("JT", "OA"),
        f"/projects/choices/?region={region.pk}": ("PR",),
    }
    for url, codes in partials.items():
        response = reader.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, url
        assert "<html" not in response.text, f"{url} is a partial"
        text = response.content.decode()
        assert [raw for raw in RAW if raw in text] == [], url
        assert [code for code in codes if escaped(code) not in text] == [], url


# --- Files and feeds ------------------------------------------------------------------

CSV_EXPORTS = (
    "/projects/export.csv",
    "/funding/contributions/export.csv",
    "/funding/qip/projects.csv",
)
XLSX_EXPORTS = (
    "/projects/export.xlsx",
    "/funding/contributions/export.xlsx",
    "/funding/qip/projects.xlsx",
)


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("url", CSV_EXPORTS)
def test_csv_exports_keep_formulas_as_text(reader, url):
    text = _download(reader, url).decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]

    assert [cell for cell in cells if cell.startswith(FORMULA)] == []
    assert "'" + FORMULA in " ".join(cells), "the export shows no field that starts with a payload"


@pytest.mark.parametrize("url", XLSX_EXPORTS)
def test_xlsx_exports_keep_formulas_as_text(reader, url):
    workbook = load_workbook(io.BytesIO(_download(reader, url)))
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]

    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert [text for text in texts if text.startswith(FORMULA_STARTS)] == []
    assert "'" + FORMULA in " ".join(texts), "the export shows no field that starts with a payload"


def test_iati_file_is_well_formed_with_the_payload_as_text(reader, hostile):
    content = _download(reader, "/projects/iati.xml")

    root = ET.fromstring(content)  # raises if the file is not well formed
    texts = [element.text or "" for element in root.iter()]
    assert hostile.project.title in texts
    assert b"<script>" not in content
    assert b"&lt;script&gt;" in content
    # Nothing of the payload became an element of its own.
    assert not root.findall(".//script") and not root.findall(".//img")


def test_calendar_feed_escapes_the_payload_as_rfc_5545_text(reader, hostile):
    token = hostile.reviewer.calendar_token
    content = _download(reader, f"/coordination/calendar/{token}.ics")

    calendar = Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    # The line breaks, semicolons and commas of the agenda stay inside its
    # description: no event of their own.
    assert len(events) == 1
    [event] = events
    assert str(event["DESCRIPTION"]) == hostile.meeting.agenda.replace("\r\n", "\n")
    assert str(event["LOCATION"]) == hostile.meeting.place
    assert str(event["SUMMARY"]) == hostile.body.name
    lines = content.replace(b"\r\n ", b"").split(b"\r\n")  # unfolded
    assert [line for line in lines if line.startswith(b"SUMMARY:injected")] == []
    assert lines.count(b"BEGIN:VEVENT") == 1
    assert any(b"\\nSUMMARY:injected\\;x\\,y\\\\" in line for line in lines)


# --- E-mails --------------------------------------------------------------------------


def test_review_emails_are_plain_text_with_a_one_line_subject(
    hostile, django_capture_on_commit_callbacks
):
    report = hostile.indicator_report
    with django_capture_on_commit_callbacks(execute=True):
        review_services.submit(report, by=hostile.officer)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.return_for_changes(
            report, by=hostile.reviewer, comment=payload("RC", 10_000) + "\r\nBcc: x@evil.test"
        )

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        # No HTML part for a mail client to render.
        assert message.content_subtype == "plain"
        assert getattr(message, "alternatives", []) == []
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.bcc == []
        assert message.message()["Bcc"] is None
    submitted, returned = mail.outbox
    # Plain text shows what was typed as it was typed.
    assert hostile.officer.first_name in submitted.body
    assert SCRIPT.format(code="IT") in submitted.subject
    assert SCRIPT.format(code="RC") in returned.body
