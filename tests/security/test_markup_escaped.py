"""Markup typed into a record never reaches a page as markup: an htmx
attribute in an indicator's unit ran, as whoever read the page, through the
help text of the report form (`|safe`). Every template escapes what it shows,
and htmx is configured not to act on what gets through."""

from pathlib import Path

import pytest
from django.conf import settings

from regions.models import RegionalPlan
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    IndicatorFactory,
    MeetingFactory,
    OrganisationFactory,
    PlanFactory,
    PriorityFactory,
    ProjectFactory,
)

HTMX = '<i hx-post="/x" hx-trigger="load">{code}</i>'
SCRIPT = "<script>alert({code})</script>"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def markup(code: str) -> str:
    return HTMX.format(code=code) + SCRIPT.format(code=code)


def short_markup(code: str) -> str:
    """The probe's own payload, for fields of 50 characters (an indicator's unit)."""
    return HTMX.format(code=code)


def escaped(code: str) -> str:
    return (
        f"&lt;i hx-post=&quot;/x&quot; hx-trigger=&quot;load&quot;&gt;{code}&lt;/i&gt;"
        f"&lt;script&gt;alert({code})&lt;/script&gt;"
    )


def raw(code: str) -> list[str]:
    return [HTMX.format(code=code), SCRIPT.format(code=code), "<i hx-post"]


@pytest.fixture
def reader(client, hq_user):
    client.force_login(hq_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def records(db):
    organisation = OrganisationFactory(name=markup("ON"))
    plan = PlanFactory(title=markup("PT"), status=RegionalPlan.Status.DRAFT)
    priority = PriorityFactory(plan=plan, title=markup("PR"))
    project = ProjectFactory(
        title=markup("JT"), priority=priority, implementing_partner=organisation
    )
    indicator = IndicatorFactory(project=project, unit=short_markup("IU"), title=markup("IT"))
    body = BodyFactory(name=markup("BN"))
    meeting = MeetingFactory(body=body, place=markup("MP"), agenda=markup("MA"))
    decision = DecisionFactory(meeting=meeting, text=markup("DT"))
    return {
        "organisation": organisation,
        "plan": plan,
        "project": project,
        "indicator": indicator,
        "meeting": meeting,
        "decision": decision,
    }


def _problems(response, codes) -> list[str]:
    text = response.content.decode()
    problems = [f"shows {r!r}" for code in codes for r in raw(code) if r in text]
    return problems + [
        f"does not show {code} escaped" for code in codes if _escaped_htmx(code) not in text
    ]


def _escaped_htmx(code: str) -> str:
    # The part of the payload that every field holds (a unit holds no more).
    return escaped(code).split("&lt;script")[0]


def test_indicator_report_form_shows_the_unit_as_text(reader, records):
    indicator = records["indicator"]

    response = reader.get(f"/projects/indicators/{indicator.pk}/reports/new/")

    assert response.status_code == 200
    assert _problems(response, ("IU",)) == []
    # The help text of the value, where the probe's payload ran.
    assert "In &lt;i hx-post=&quot;/x&quot; hx-trigger=&quot;load&quot;&gt;IU&lt;/i&gt;." in (
        response.text
    )


def test_pages_and_forms_show_typed_markup_as_text(reader, records):
    project, plan, meeting = records["project"], records["plan"], records["meeting"]
    pages = {
        project.get_absolute_url(): ("JT", "IU", "IT", "ON", "PR"),
        f"/projects/{project.pk}/edit/": ("JT",),
        "/projects/": ("JT",),
        plan.get_absolute_url(): ("PT", "PR"),
        f"/plans/{plan.pk}/edit/": ("PT",),
        records["organisation"].get_absolute_url(): ("ON",),
        f"/coordination/organisations/{records['organisation'].pk}/edit/": ("ON",),
        meeting.get_absolute_url(): ("BN", "MP", "MA", "DT"),
        f"/coordination/meetings/{meeting.pk}/edit/": ("MP", "MA"),
        records["decision"].get_absolute_url(): ("DT",),
    }
    problems = []
    for url, codes in pages.items():
        response = reader.get(url)
        assert response.status_code == 200, url
        problems += [f"{url}: {problem}" for problem in _problems(response, codes)]

    assert problems == []


def test_no_template_marks_data_safe():
    offending = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*")
        if path.is_file() and "|safe" in path.read_text().replace(" ", "")
    ]

    assert offending == []


def test_htmx_runs_no_script_and_talks_only_to_the_portal(reader, records):
    response = reader.get(records["project"].get_absolute_url())

    assert '"allowScriptTags": false' in response.text
    assert '"selfRequestsOnly": true' in response.text
    assert '"allowEval": false' in response.text
    # What shows typed text is off limits to htmx.
    assert '<main id="content" tabindex="-1" hx-disable>' in response.text


def test_the_project_list_keeps_its_filters_but_not_its_table_for_htmx(reader, records):
    response = reader.get("/projects/")

    assert '<main id="content" tabindex="-1">' in response.text
    assert '<div id="project-table" hx-disable>' in response.text
    assert 'hx-target="#project-table"' in response.text
