"""Who reads a reviewed record, by its state: every kind of record × every
state × every role, for its page and its files (`reviews.visibility`).

Partners and viewers read only what is published: validated and archived
plans, approved updates and reports, projects from their approval on (not
cancelled ones). Staff of a regional office read everything of the regions
their office covers and only what is published elsewhere; headquarters
reads everything. A record someone may not read is "not found" (404), as
if it did not exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.files import attach_file
from projects.models import (
    IndicatorEvidence,
    ProgressReportAttachment,
    Project,
    ProjectDocument,
)
from regions.models import PlanDocument, PlanUpdateAttachment
from tests.factories import (
    IndicatorReportFactory,
    PlanFactory,
    PlanUpdateFactory,
    PriorityFactory,
    ProgressReportFactory,
    ProjectFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REVIEW_STATES = ["draft", "submitted", "returned", "approved"]

# Each kind: its states, which of them are published, how to make a record of
# it in Gao in a state, its page, and its file (model, link, download URL).
KINDS = {
    "plan": (
        ["draft", "under_review", "validated", "archived"],
        {"validated", "archived"},
        lambda state: PlanFactory(status=state),
        "/plans/{pk}/",
        (PlanDocument, "plan", "/plans/documents/{pk}/"),
    ),
    "plan update": (
        REVIEW_STATES,
        {"approved"},
        lambda state: PlanUpdateFactory(review_status=state, plan__status="validated"),
        "/plans/updates/{pk}/",
        (PlanUpdateAttachment, "update", "/plans/updates/attachments/{pk}/"),
    ),
    "progress report": (
        REVIEW_STATES,
        {"approved"},
        lambda state: ProgressReportFactory(review_status=state, project__status="ongoing"),
        "/projects/reports/{pk}/",
        (ProgressReportAttachment, "report", "/projects/reports/attachments/{pk}/"),
    ),
    "indicator report": (
        REVIEW_STATES,
        {"approved"},
        lambda state: IndicatorReportFactory(
            review_status=state, indicator__project__status="ongoing"
        ),
        "/projects/indicator-reports/{pk}/",
        (IndicatorEvidence, "report", "/projects/evidence/{pk}/"),
    ),
    "project": (
        ["pipeline", "submitted", "approved", "ongoing", "completed", "closed", "cancelled"],
        {"approved", "ongoing", "completed", "closed"},
        lambda state: ProjectFactory(status=state),
        "/projects/{pk}/",
        (ProjectDocument, "project", "/projects/documents/{pk}/"),
    ),
}
# Whether each role reads a record of Gao that is not published: headquarters
# and the Gao office do; other offices, partners and people without a role do not.
READS_GAO_DRAFTS = {
    "hq_user": True,
    "fund_manager": True,
    "admin_user": True,
    "gao_officer": True,
    "mopti_officer": False,
    "tombouctou_head": False,
    "viewer": False,
    "no_role_user": False,
}
CASES = [
    pytest.param(kind, state, role, id=f"{kind}-{state}-{role}")
    for kind, (states, *_rest) in KINDS.items()
    for state in states
    for role in READS_GAO_DRAFTS
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(("kind", "state", "role"), CASES)
def test_a_record_and_its_file_are_read_by_whom_its_state_allows(
    request, client_for, hq_user, kind, state, role
):
    states, published, make, page, (file_model, link, download) = KINDS[kind]
    record = make(state)
    upload = SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf")
    attached = attach_file(file_model, by=hq_user, upload=upload, **{link: record})
    client = client_for(request.getfixturevalue(role))

    page_response = client.get(page.format(pk=record.pk))
    file_response = client.get(download.format(pk=attached.pk))

    expected = 200 if state in published or READS_GAO_DRAFTS[role] else 404
    assert (page_response.status_code, file_response.status_code) == (expected, expected)


def test_the_states_of_the_matrix_are_every_state_of_each_model():
    from projects.models import Project
    from regions.models import RegionalPlan
    from reviews.models import ReviewStatus

    assert KINDS["plan"][0] == list(RegionalPlan.Status.values)
    assert KINDS["project"][0] == list(Project.Status.values)
    assert set(REVIEW_STATES) == set(ReviewStatus.values)


# --- Pages that count or list projects of several states ---------------------------------


def _projects_of_every_state() -> dict[str, object]:
    states = ["pipeline", "submitted", "approved", "ongoing", "cancelled"]
    return {state: ProjectFactory(status=state, title=f"Projet {state} de Gao") for state in states}


@pytest.mark.parametrize(("role", "sees_drafts"), [("viewer", False), ("hq_user", True)])
def test_the_dashboard_counts_for_partners_only_the_published_projects(
    db, request, client_for, role, sees_drafts
):
    _projects_of_every_state()

    response = client_for(request.getfixturevalue(role)).get("/")

    # The statuses in their order, each with its count.
    counts = [count for _label, count in response.context["by_status"]]
    shown = {
        state: count for state, count in zip(Project.Status.values, counts, strict=True) if count
    }
    published = {"approved": 1, "ongoing": 1}
    drafts = {"pipeline": 1, "submitted": 1, "cancelled": 1}
    assert shown == (published | drafts if sees_drafts else published)


@pytest.mark.parametrize(("role", "sees_drafts"), [("viewer", False), ("gao_officer", True)])
def test_the_region_and_plan_pages_list_for_partners_only_the_published_projects(
    db, request, client_for, role, sees_drafts
):
    plan = PlanFactory(status="validated")
    priority = PriorityFactory(plan=plan)
    projects = _projects_of_every_state()
    for project in projects.values():
        project.priority = priority
        project.save(update_fields=["priority"])
    client = client_for(request.getfixturevalue(role))

    region_page = client.get("/regions/ML-7/").text
    plan_page = client.get(f"/plans/{plan.pk}/")
    report = client.get(f"/plans/{plan.pk}/report/")

    for state, project in projects.items():
        listed = state in ("approved", "ongoing") or sees_drafts
        assert (project.title in region_page) is listed, (state, "region")
        assert (project.title in plan_page.text) is listed, (state, "plan")
        assert (project.title in report.text) is listed, (state, "report")
    # The coverage table counts what the reader may read.
    counted = [priority.project_count for priority in plan_page.context["priorities"]]
    assert counted == [5 if sees_drafts else 2]
    assert report.context["coverage"].plan.total_projects == (5 if sees_drafts else 2)
