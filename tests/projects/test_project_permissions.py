"""Who may do what with projects: every role, every action, on a project of a
region their office covers ("own") and of one it does not ("other"). A
refusal writes nothing. A project in the pipeline is read by headquarters and
the office of its region only; others do not find it (`reviews.visibility`);
an approved one is read by everyone signed in."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import Mechanism
from projects.models import Project, ProjectDocument, StatusChange
from regions.models import Region
from tests.factories import (
    ExpenditureFactory,
    FundingApprovalFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The region each role counts as its own, and one that is not.
OWN = {
    "hq_user": "ML-7",
    "gao_officer": "ML-7",
    "mopti_officer": "ML-5",
    "tombouctou_head": "ML-6",
    "fund_manager": "ML-7",
    "viewer": "ML-7",
    "admin_user": "ML-7",
}
OTHER = {"gao_officer": "ML-5", "mopti_officer": "ML-7", "tombouctou_head": "ML-7"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _project(region: Region, **kwargs) -> Project:
    return ProjectFactory(region=region, **kwargs)


# Each action: set up what it needs in `region`, make the request, and return
# (response, whether the database changed). Reads change nothing.


def view_detail(client, region):
    """The page of a project in the pipeline (not published yet)."""
    return client.get(f"/projects/{_project(region).pk}/"), False


def view_published(client, region):
    """The page of an approved project."""
    project = _project(region, status=Project.Status.APPROVED)
    return client.get(f"/projects/{project.pk}/"), False


def create(client, region):
    data = {
        "token": uuid.uuid4(),
        "title": "Nouveau projet",
        "region": region.pk,
        "mechanism": Mechanism.objects.get(code="qip").pk,
        "budget_amount": "30000",
        "budget_currency": "USD",
        "planned_start": "2026-01-01",
        "planned_end": "2026-04-30",
        "women": 0,
        "men": 0,
        "girls": 0,
        "boys": 0,
        "gender_marker": 0,
    }
    response = client.post("/projects/new/", data)
    return response, Project.objects.filter(title="Nouveau projet").exists()


def edit(client, region):
    project = _project(region, title="Titre initial")
    data = {
        "version": 1,
        "title": "Titre modifié",
        "region": region.pk,
        "mechanism": project.mechanism_id,
        "budget_amount": "40000",
        "budget_currency": "USD",
        "planned_start": "2024-02-01",
        "planned_end": "2024-06-30",
        "women": 0,
        "men": 0,
        "girls": 0,
        "boys": 0,
        "gender_marker": 0,
    }
    response = client.post(f"/projects/{project.pk}/edit/", data)
    return response, Project.objects.get(pk=project.pk).title == "Titre modifié"


def budget(client, region):
    project = _project(region)
    data = {"version": 1, "budget_amount": "45000", "budget_currency": "USD"}
    response = client.post(f"/projects/{project.pk}/budget/", data)
    return response, Project.objects.get(pk=project.pk).version != 1


def upload(client, region):
    project = _project(region)
    data = {"title": "Convention", "file": SimpleUploadedFile("c.pdf", PDF, "application/pdf")}
    response = client.post(f"/projects/{project.pk}/documents/new/", data)
    return response, ProjectDocument.objects.filter(project=project).exists()


def _status_step(step: str, source: str, data: dict | None = None, needs=None):
    """A status step from `source`, with what it needs in place (`needs`) and
    posted (`data`), so that only who acts decides the outcome."""

    def action(client, region):
        extra = {"actual_start": datetime.date(2024, 2, 5)} if source == "ongoing" else {}
        project = _project(region, status=source, **extra)
        if needs:
            needs(project)
        response = client.post(f"/projects/{project.pk}/status/", {"step": step, **(data or {})})
        changed = Project.objects.get(pk=project.pk).status != source
        return response, changed or StatusChange.objects.exists()

    action.__name__ = step
    return action


def _funded(project):
    FundingApprovalFactory(project=project, amount=project.budget_amount)


def _final_report(project):
    ProgressReportFactory(project=project, is_final=True, review_status="approved")


def _reconciled(project):
    for factory in (FundingApprovalFactory, TrancheFactory, ExpenditureFactory):
        factory(project=project, amount=project.budget_amount)


submit = _status_step("submit", "pipeline")
send_back = _status_step("send_back", "submitted", {"comment": "Budget à détailler."})
approve = _status_step("approve", "submitted")
start = _status_step("start", "approved", {"day": "2024-02-05"}, _funded)
complete = _status_step("complete", "ongoing", {"day": "2024-06-28"}, _final_report)
close = _status_step("close", "completed", needs=_reconciled)
cancel = _status_step("cancel", "pipeline", {"comment": "Doublon d'un autre projet."})

ACTIONS = [
    view_detail,
    view_published,
    create,
    edit,
    budget,
    upload,
    submit,
    send_back,
    approve,
    start,
    complete,
    close,
    cancel,
]

OK = "done"  # 200 for a page, 302 and the change made for a write
FORM_ERROR = "refused by the form"  # 200, the form shows an error, nothing written
DENIED = "forbidden"  # 403, nothing written
NOT_FOUND = "not found"  # 404 (the user may not read the record), nothing written
R, E, D, N = OK, FORM_ERROR, DENIED, NOT_FOUND

# Columns, in the order of ACTIONS: view a project in the pipeline, view an
# approved one, create, edit, budget, upload, then the steps submit, send
# back, approve, start, complete, close, cancel.
# fmt: off
MATRIX = [
    # role              scope    vw  vp  cr  ed  bu  up  su  sb  ap  st  co  cl  ca
    ("hq_user",         "own",   R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R),
    ("hq_user",         "other", R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R),
    ("gao_officer",     "own",   R,  R,  R,  R,  R,  R,  R,  D,  D,  R,  R,  D,  D),
    ("gao_officer",     "other", N,  R,  E,  D,  D,  D,  D,  D,  D,  D,  D,  D,  D),
    ("mopti_officer",   "own",   R,  R,  R,  R,  R,  R,  R,  D,  D,  R,  R,  D,  D),
    ("mopti_officer",   "other", N,  R,  E,  D,  D,  D,  D,  D,  D,  D,  D,  D,  D),
    ("tombouctou_head", "own",   R,  R,  R,  R,  R,  R,  R,  D,  D,  R,  R,  D,  D),
    ("tombouctou_head", "other", N,  R,  E,  D,  D,  D,  D,  D,  D,  D,  D,  D,  D),
    ("fund_manager",    "own",   R,  R,  D,  D,  R,  D,  D,  D,  D,  D,  D,  D,  D),
    ("viewer",          "own",   N,  R,  D,  D,  D,  D,  D,  D,  D,  D,  D,  D,  D),
    ("admin_user",      "own",   R,  R,  D,  D,  R,  D,  D,  D,  D,  D,  D,  D,  D),
]
# fmt: on
CASES = [
    pytest.param(role, scope, action, expected, id=f"{role}-{scope}-{action.__name__}")
    for role, scope, *outcomes in MATRIX
    for action, expected in zip(ACTIONS, outcomes, strict=True)
]


@pytest.mark.parametrize(("role", "scope", "action", "expected"), CASES)
def test_project_permission_matrix(db, request, client_for, role, scope, action, expected):
    region_code = OWN[role] if scope == "own" else OTHER.get(role, "ML-5")
    client = client_for(request.getfixturevalue(role))

    response, written = action(client, Region.objects.get(code=region_code))

    if expected == OK and action in (view_detail, view_published):
        assert response.status_code == 200
    elif expected == NOT_FOUND:
        assert response.status_code == 404
        assert not written
    elif expected == OK:
        assert response.status_code == 302
        assert written
    elif expected == FORM_ERROR:
        assert response.status_code == 200
        assert "errorlist" in response.text
        assert not written
    else:
        assert response.status_code == 403
        assert not written


@pytest.mark.parametrize(
    "path",
    [
        "/projects/new/",
        "/projects/{pk}/edit/",
        "/projects/{pk}/budget/",
        "/projects/{pk}/status/",
        "/projects/{pk}/documents/new/",
    ],
)
def test_viewer_is_refused_even_the_form_pages(client_for, viewer, path):
    project = ProjectFactory()

    assert client_for(viewer).get(path.format(pk=project.pk)).status_code == 403


@pytest.mark.parametrize(
    "path", ["/projects/{pk}/edit/", "/projects/{pk}/status/", "/projects/{pk}/documents/new/"]
)
def test_fund_manager_is_refused_the_pages_beyond_the_budget(client_for, fund_manager, path):
    project = ProjectFactory()

    assert client_for(fund_manager).get(path.format(pk=project.pk)).status_code == 403


@pytest.mark.parametrize(
    "path", ["/projects/{pk}/edit/", "/projects/{pk}/budget/", "/projects/{pk}/documents/new/"]
)
def test_officer_of_another_region_is_refused_the_form_pages(client_for, mopti_officer, path):
    project = ProjectFactory()

    assert client_for(mopti_officer).get(path.format(pk=project.pk)).status_code == 403


def test_officer_of_an_office_covering_two_regions_edits_both(client_for, gao_officer):
    menaka_project = ProjectFactory(region=Region.objects.get(code="ML-9"))

    response = client_for(gao_officer).get(f"/projects/{menaka_project.pk}/edit/")

    assert response.status_code == 200


def test_officer_cannot_move_a_project_to_a_region_they_do_not_cover(client_for, gao_officer):
    project = ProjectFactory()
    data = {
        "version": 1,
        "title": project.title,
        "region": Region.objects.get(code="ML-5").pk,
        "mechanism": project.mechanism_id,
        "budget_amount": "40000",
        "budget_currency": "USD",
        "planned_start": "2024-02-01",
        "planned_end": "2024-06-30",
        "women": 0,
        "men": 0,
        "girls": 0,
        "boys": 0,
        "gender_marker": 0,
    }

    response = client_for(gao_officer).post(f"/projects/{project.pk}/edit/", data)

    assert "region" in response.context["form"].errors
    assert Project.objects.get(pk=project.pk).region.code == "ML-7"


@pytest.mark.parametrize("path", ["/projects/{pk}/edit/", "/projects/{pk}/budget/"])
def test_record_changes_only_accept_get_and_post(client_for, hq_user, path):
    project = ProjectFactory()

    assert client_for(hq_user).put(path.format(pk=project.pk)).status_code == 405
