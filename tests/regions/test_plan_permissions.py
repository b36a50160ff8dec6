"""Who may do what with regional plans: every role, every action, on a plan of
a region their office covers ("own") and of one it does not ("other"). A
refusal writes nothing. A plan not yet validated is read by headquarters and
the office of its region only; others do not find it (`reviews.visibility`);
a validated one is read by everyone signed in."""

import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from regions.models import PlanDocument, PlanPriority, Region, RegionalPlan
from tests.factories import PlanFactory, PriorityFactory

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


def _plan(region: Region, **kwargs) -> RegionalPlan:
    return PlanFactory(region=region, **kwargs)


def _status(plan: RegionalPlan) -> str:
    return RegionalPlan.objects.get(pk=plan.pk).status


# Each action: set up what it needs in `region`, make the request, and return
# (response, whether the database changed). Reads change nothing.


def view_list(client, region):
    _plan(region)
    return client.get("/plans/"), False


def view_detail(client, region):
    """The page of a plan in draft (not published yet)."""
    return client.get(f"/plans/{_plan(region).pk}/"), False


def view_validated(client, region):
    """The page of a validated plan."""
    return client.get(f"/plans/{_plan(region, status='validated').pk}/"), False


def create(client, region):
    data = {
        "token": uuid.uuid4(),
        "region": region.pk,
        "title": "Nouveau plan",
        "period_start": "2026-01-01",
        "period_end": "2027-12-31",
        "context_analysis": "Contexte.",
    }
    response = client.post("/plans/new/", data)
    return response, RegionalPlan.objects.filter(title="Nouveau plan").exists()


def edit(client, region):
    plan = _plan(region, title="Titre initial")
    data = {
        "version": 1,
        "region": region.pk,
        "title": "Titre modifié",
        "period_start": "2024-01-01",
        "period_end": "2025-12-31",
        "context_analysis": plan.context_analysis,
    }
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    return response, RegionalPlan.objects.get(pk=plan.pk).title == "Titre modifié"


def add_priority(client, region):
    plan = _plan(region)
    data = {
        "token": uuid.uuid4(),
        "code": "AXE-9",
        "title": "Cohésion sociale",
        "pillar": "social_cohesion",
        "estimated_cost_usd": "1000",
    }
    response = client.post(f"/plans/{plan.pk}/priorities/new/", data)
    return response, plan.priorities.filter(code="AXE-9").exists()


def edit_priority(client, region):
    priority = PriorityFactory(plan=_plan(region), title="Titre initial")
    data = {
        "version": 1,
        "code": priority.code,
        "title": "Titre modifié",
        "pillar": priority.pillar,
        "estimated_cost_usd": "1000",
    }
    response = client.post(f"/plans/priorities/{priority.pk}/edit/", data)
    priority = PlanPriority.objects.get(pk=priority.pk)
    return response, (priority.title, priority.estimated_cost_usd) != (
        "Titre initial",
        Decimal(250000),
    )


def upload(client, region):
    plan = _plan(region)
    data = {"title": "Arrêté", "file": SimpleUploadedFile("arrete.pdf", PDF, "application/pdf")}
    response = client.post(f"/plans/{plan.pk}/documents/new/", data)
    return response, PlanDocument.objects.filter(plan=plan).exists()


def send(client, region):
    plan = _plan(region)
    PriorityFactory(plan=plan)
    response = client.post(f"/plans/{plan.pk}/send-for-review/")
    return response, _status(plan) != "draft"


def validate(client, region):
    plan = _plan(region, status="under_review")
    data = {"validation_date": "2024-01-15", "validating_authority": "Conseil régional"}
    response = client.post(f"/plans/{plan.pk}/validate/", data)
    return response, _status(plan) != "under_review"


def back_to_draft(client, region):
    plan = _plan(region, status="under_review")
    response = client.post(f"/plans/{plan.pk}/back-to-draft/", {"comment": "Revoir."})
    return response, _status(plan) != "under_review"


def archive(client, region):
    plan = _plan(region, status="validated")
    response = client.post(f"/plans/{plan.pk}/archive/")
    return response, _status(plan) != "validated"


ACTIONS = [
    view_list,
    view_detail,
    view_validated,
    create,
    edit,
    add_priority,
    edit_priority,
    upload,
    send,
    validate,
    back_to_draft,
    archive,
]

OK = "done"  # 200 for a page, 302 and the change made for a write
FORM_ERROR = "refused by the form"  # 200, the form shows an error, nothing written
DENIED = "forbidden"  # 403, nothing written
NOT_FOUND = "not found"  # 404 (the user may not read the plan), nothing written
R, E, D, N = OK, FORM_ERROR, DENIED, NOT_FOUND

# Columns, in the order of ACTIONS: list, view a plan in draft, view a
# validated one, create, edit, add a priority, edit a priority, upload, then
# the steps send for review, validate, back to draft, archive.
# fmt: off
MATRIX = [
    # role              scope    li  vd  vv  cr  ed  ap  ep  up  se  va  dr  ar
    ("hq_user",         "own",   R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R),
    ("hq_user",         "other", R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R),
    ("gao_officer",     "own",   R,  R,  R,  R,  R,  R,  R,  R,  R,  D,  D,  D),
    ("gao_officer",     "other", R,  N,  R,  E,  D,  D,  D,  D,  D,  D,  D,  D),
    ("mopti_officer",   "own",   R,  R,  R,  R,  R,  R,  R,  R,  R,  D,  D,  D),
    ("mopti_officer",   "other", R,  N,  R,  E,  D,  D,  D,  D,  D,  D,  D,  D),
    ("tombouctou_head", "own",   R,  R,  R,  R,  R,  R,  R,  R,  R,  D,  D,  D),
    ("tombouctou_head", "other", R,  N,  R,  E,  D,  D,  D,  D,  D,  D,  D,  D),
    ("fund_manager",    "own",   R,  R,  R,  D,  D,  D,  D,  D,  D,  D,  D,  D),
    ("viewer",          "own",   R,  N,  R,  D,  D,  D,  D,  D,  D,  D,  D,  D),
    ("admin_user",      "own",   R,  R,  R,  D,  D,  D,  D,  D,  D,  D,  D,  D),
]
# fmt: on
CASES = [
    pytest.param(role, scope, action, expected, id=f"{role}-{scope}-{action.__name__}")
    for role, scope, *outcomes in MATRIX
    for action, expected in zip(ACTIONS, outcomes, strict=True)
]


@pytest.mark.parametrize(("role", "scope", "action", "expected"), CASES)
def test_plan_permission_matrix(db, request, client_for, role, scope, action, expected):
    region_code = OWN[role] if scope == "own" else OTHER.get(role, "ML-5")
    client = client_for(request.getfixturevalue(role))

    response, written = action(client, Region.objects.get(code=region_code))

    reads = action in (view_list, view_detail, view_validated)
    if expected == OK and reads:
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
        "/plans/new/",
        "/plans/{pk}/edit/",
        "/plans/{pk}/priorities/new/",
        "/plans/{pk}/documents/new/",
        "/plans/{pk}/send-for-review/",
        "/plans/{pk}/validate/",
        "/plans/{pk}/back-to-draft/",
        "/plans/{pk}/archive/",
    ],
)
def test_viewer_is_refused_even_the_form_pages(client_for, viewer, path):
    plan = PlanFactory()

    assert client_for(viewer).get(path.format(pk=plan.pk)).status_code == 403


@pytest.mark.parametrize(
    "path", ["/plans/{pk}/edit/", "/plans/{pk}/priorities/new/", "/plans/{pk}/documents/new/"]
)
def test_officer_of_another_region_is_refused_the_form_pages(client_for, mopti_officer, path):
    plan = PlanFactory()

    assert client_for(mopti_officer).get(path.format(pk=plan.pk)).status_code == 403


def test_officer_of_an_office_covering_two_regions_edits_both(client_for, gao_officer):
    menaka_plan = PlanFactory(region=Region.objects.get(code="ML-9"))

    response = client_for(gao_officer).get(f"/plans/{menaka_plan.pk}/edit/")

    assert response.status_code == 200
    choices = [
        choice.instance.code
        for choice, _ in response.context["form"]["region"].field.choices
        if choice
    ]
    assert sorted(choices) == ["ML-7", "ML-9"]


@pytest.mark.parametrize(
    "path",
    [
        "/plans/{pk}/send-for-review/",
        "/plans/{pk}/validate/",
        "/plans/{pk}/back-to-draft/",
        "/plans/{pk}/archive/",
    ],
)
def test_workflow_steps_only_accept_get_and_post(client_for, hq_user, path):
    plan = PlanFactory()

    assert client_for(hq_user).put(path.format(pk=plan.pk)).status_code == 405
