"""One project's page: what it shows, its documents, its generated code, and
a number of queries that does not grow with what the project holds."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import TrancheStep
from projects.models import Location, Project, ProjectDocument, StatusChange
from regions.models import Cercle, Region
from reviews.models import ReviewStatus
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ContributionFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    IndicatorFactory,
    IndicatorReportFactory,
    LocationFactory,
    PlanFactory,
    PriorityFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
    UserFactory,
)
from tests.projects.test_project_forms import edit_data, project_data

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


# --- What the page shows ---------------------------------------------------------------


def test_project_page_shows_the_whole_summary(client_for, reader):
    plan = PlanFactory(title="PRSR Gao 2024-2025", status="validated")
    priority = PriorityFactory(plan=plan, code="AXE-2", title="Services sociaux de base")
    focal = UserFactory(first_name="Aïssata", last_name="Maïga")
    project = ProjectFactory(
        code="QIP-2024-GAO-007",
        title="Forage de Bourem",
        priority=priority,
        focal_point=focal,
        gender_marker=2,
        actual_start=datetime.date(2024, 2, 15),
    )
    project.cercles.set(Cercle.objects.filter(name__in=["Bourem", "Ansongo"]))

    response = client_for(reader).get(f"/projects/{project.pk}/")

    assert response.status_code == 200
    page = response.text
    assert "<h1>QIP-2024-GAO-007 — Forage de Bourem" in page
    assert 'class="badge badge--muted">pipeline<' in page
    assert "Ansongo, Bourem" in page
    assert "AXE-2 — Services sociaux de base" in page
    assert f'<a href="/plans/{plan.pk}/">PRSR Gao 2024-2025</a>' in page
    assert "Quick Impact Projects (QIP)" in page
    assert project.implementing_partner.name in page
    assert "Aïssata Maïga" in page
    assert "40,000.00\u00a0USD" in page
    assert "120 women, 100 men, 80 girls, 75 boys: 375 in all" in page
    assert "2 — principal objective" in page


@pytest.mark.parametrize(
    ("status", "badge"),
    [
        ("pipeline", "muted"),
        ("submitted", "warning"),
        ("approved", "info"),
        ("ongoing", "info"),
        ("completed", "success"),
        ("closed", "success"),
        ("cancelled", "danger"),
    ],
)
def test_status_badge_has_the_colour_of_the_status(client_for, reader, status, badge):
    project = ProjectFactory(status=status)

    page = client_for(reader).get(f"/projects/{project.pk}/").text

    assert f'class="badge badge--{badge}">{status}<' in page


def test_project_without_priority_or_partner_says_so(client_for, reader):
    project = ProjectFactory(implementing_partner=None)

    page = client_for(reader).get(f"/projects/{project.pk}/").text

    assert "No priority" in page
    assert "The project has stayed in the pipeline since it was created." in page
    assert "No document has been added to this project yet." in page


def test_project_page_shows_locations_indicators_and_reports(client_for, hq_user):
    project = ProjectFactory()
    LocationFactory(project=project, place="Quartier Château")
    indicator = IndicatorFactory(project=project, title="Ménages desservis", target=Decimal(500))
    IndicatorReportFactory(
        indicator=indicator, value=Decimal(320), review_status=ReviewStatus.APPROVED
    )
    report = ProgressReportFactory(project=project)

    response = client_for(hq_user).get(f"/projects/{project.pk}/")

    page = response.text
    assert "Quartier Château" in page
    assert "Ménages desservis" in page
    assert response.context["indicators"][0].achieved == Decimal(320)
    assert f'href="{report.get_absolute_url()}"' in page


@pytest.mark.parametrize(("fixture", "shown"), [("gao_officer", True), ("viewer", False)])
def test_exact_coordinates_of_sensitive_locations_only_for_staff(
    db, request, client_for, fixture, shown
):
    # Approved: the viewer reads it (`reviews.visibility`).
    project = ProjectFactory(status=Project.Status.APPROVED)
    LocationFactory(
        project=project,
        place="Site sensible",
        latitude=Decimal("16.12345"),
        longitude=Decimal("-0.54321"),
        sensitivity=Location.Sensitivity.SENSITIVE,
    )
    LocationFactory(project=project, place="Site ouvert", latitude=Decimal("16.27170"))

    response = client_for(request.getfixturevalue(fixture)).get(f"/projects/{project.pk}/")

    assert response.status_code == 200
    assert response.context["show_coordinates"] is shown
    assert ("16.12345" in response.text) is shown
    assert "16.27170" in response.text


def test_project_page_shows_the_status_timeline_and_the_history(client_for, gao_officer, hq_user):
    gao_officer.first_name, gao_officer.last_name = "Aïssata", "Maïga"
    gao_officer.save()
    project = ProjectFactory(title="Ancien titre")
    client_for(gao_officer).post(
        f"/projects/{project.pk}/edit/", edit_data(project, title="Nouveau titre")
    )
    client_for(gao_officer).post(
        f"/projects/{project.pk}/status/", {"step": "submit", "comment": "Dossier complet."}
    )
    client = client_for(hq_user)
    client.post(f"/projects/{project.pk}/status/", {"step": "approve", "comment": "Validé en PRC."})

    page = client.get(f"/projects/{project.pk}/").text

    assert "Pipeline → submitted" in page and "Submitted → approved" in page
    assert "Dossier complet." in page and "Validé en PRC." in page
    assert "Aïssata Maïga" in page
    # The other changes, under the timeline, do not tell its steps again.
    other_changes = page.split("Other changes</h3>")[1]
    assert "title: Ancien titre → Nouveau titre" in other_changes
    assert "status:" not in other_changes
    assert "submitted by:" not in other_changes and "reviewed by:" not in other_changes


def test_history_keeps_the_status_steps_for_those_without_the_timeline(
    client_for, gao_officer, hq_user, viewer
):
    project = ProjectFactory(title="Ancien titre")
    client_for(gao_officer).post(
        f"/projects/{project.pk}/status/", {"step": "submit", "comment": "Dossier complet."}
    )
    client_for(hq_user).post(
        f"/projects/{project.pk}/status/", {"step": "approve", "comment": "Validé en PRC."}
    )

    page = client_for(viewer).get(f"/projects/{project.pk}/").text

    # The timeline (with its review comments) is for staff: a partner reads
    # the steps in the history of changes instead.
    assert "Status timeline" not in page and "Validé en PRC." not in page
    assert "status: submitted → approved" in page.split('id="history"')[1]


def test_unknown_project_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/projects/999999/").status_code == 404


def test_project_pages_require_sign_in(client, db):
    project = ProjectFactory()
    for url in (
        f"/projects/{project.pk}/",
        "/projects/new/",
        f"/projects/{project.pk}/edit/",
        f"/projects/{project.pk}/budget/",
        f"/projects/{project.pk}/status/",
        "/projects/choices/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


EDIT = ("edit/", "documents/new/", "locations/new/", "indicators/new/", "reports/new/")
BUDGET = ("budget/",)
STATUS = ("status/",)


@pytest.mark.parametrize(
    ("fixture", "region", "status", "shown"),
    [
        ("gao_officer", "ML-7", "pipeline", EDIT + BUDGET + STATUS),
        ("gao_officer", "ML-7", "submitted", EDIT + BUDGET),
        # Approved without a funding approval: it cannot start yet.
        ("gao_officer", "ML-7", "approved", EDIT + BUDGET),
        ("gao_officer", "ML-5", "pipeline", ()),
        ("mopti_officer", "ML-5", "pipeline", EDIT + BUDGET + STATUS),
        ("hq_user", "ML-5", "submitted", EDIT + BUDGET + STATUS),
        ("hq_user", "ML-7", "cancelled", ()),
        ("fund_manager", "ML-7", "closed", ()),
        ("fund_manager", "ML-7", "pipeline", BUDGET),
        ("viewer", "ML-7", "pipeline", ()),
        ("admin_user", "ML-7", "pipeline", BUDGET),
    ],
)
def test_project_page_offers_only_the_actions_the_user_may_take(
    db, request, client_for, fixture, region, status, shown
):
    project = ProjectFactory(region=_region(region), status=status)

    page = client_for(request.getfixturevalue(fixture)).get(f"/projects/{project.pk}/").text

    all_actions = EDIT + BUDGET + STATUS
    offered = {
        action for action in all_actions if f'href="/projects/{project.pk}/{action}"' in page
    }
    assert offered == set(shown)


# --- Documents -------------------------------------------------------------------------


def test_officer_uploads_a_document_that_all_download_once_the_project_is_approved(
    client_for, gao_officer, viewer
):
    project = ProjectFactory()
    upload = SimpleUploadedFile("convention.pdf", PDF, "application/pdf")

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/documents/new/",
        {"title": "Convention signée", "file": upload},
        follow=True,
    )

    document = ProjectDocument.objects.get(project=project)
    assert response.redirect_chain == [(f"/projects/{project.pk}/", 302)]
    assert (document.title, document.uploaded_by) == ("Convention signée", gao_officer)
    assert f'href="/projects/documents/{document.pk}/"' in response.text
    # While the project is in the pipeline the region's office downloads the
    # document and a viewer does not find it (`reviews.visibility`).
    url = f"/projects/documents/{document.pk}/"
    own = client_for(gao_officer).get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert client_for(viewer).get(url).status_code == 404

    Project.objects.filter(pk=project.pk).update(status=Project.Status.APPROVED)
    download = client_for(viewer).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="convention.pdf"' in download["Content-Disposition"]


def test_document_whose_content_does_not_match_its_extension_is_refused(client_for, gao_officer):
    project = ProjectFactory()
    upload = SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/documents/new/", {"file": upload}
    )

    assert response.status_code == 200
    assert "does not match its .pdf extension" in response.text
    assert not ProjectDocument.objects.exists()


# --- Codes -----------------------------------------------------------------------------


def _create(client, **overrides) -> Project:
    response = client.post("/projects/new/", project_data(**overrides))
    assert response.status_code == 302, response.context["form"].errors
    return Project.objects.get(pk=response.url.split("/")[2])


def test_consecutive_projects_get_consecutive_numbers_per_mechanism_year_and_region(
    client_for, gao_officer
):
    client = client_for(gao_officer)
    menaka = _region("ML-9")

    codes = [
        _create(client).code,
        _create(client).code,
        _create(client, region=menaka.pk, cercles=[]).code,
        _create(client, planned_start="2027-01-01", planned_end="2027-03-31").code,
        _create(client).code,
    ]

    assert codes == [
        "QIP-2026-GAO-001",
        "QIP-2026-GAO-002",
        "QIP-2026-MEN-001",
        "QIP-2027-GAO-001",
        "QIP-2026-GAO-003",
    ]


def test_a_deleted_projects_number_is_not_reused(client_for, gao_officer):
    client = client_for(gao_officer)
    _create(client)
    _create(client).delete()

    assert _create(client).code == "QIP-2026-GAO-003"


def test_create_form_sent_again_with_other_values_still_creates_one_project(
    client_for, gao_officer
):
    token = str(uuid.uuid4())
    client = client_for(gao_officer)
    client.post("/projects/new/", project_data(token=token))
    client.post("/projects/new/", project_data(token=token, title="Autre titre"))

    assert Project.objects.count() == 1


# --- Query counts ----------------------------------------------------------------------


def _project_with_rows(n: int) -> Project:
    project = ProjectFactory(
        priority=PriorityFactory(plan=PlanFactory(status="validated")),
        focal_point=UserFactory(),
    )
    project.cercles.set(Cercle.objects.filter(region=project.region)[: min(n, 3)])
    first_step = TrancheStep.objects.filter(mechanism=project.mechanism).first()
    contribution = ContributionFactory(mechanism=project.mechanism)
    for i in range(n):
        # Money: more approved than transferred, so that a tranche is proposed.
        FundingApprovalFactory(project=project, contribution=contribution)
        TrancheFactory(project=project, step=first_step if i == 0 else None, amount=Decimal(10))
        ExpenditureFactory(project=project, amount=Decimal(5))
        LocationFactory(project=project, cercle=project.cercles.first())
        indicator = IndicatorFactory(project=project)
        IndicatorReportFactory(indicator=indicator, review_status=ReviewStatus.APPROVED)
        ProgressReportFactory(project=project, created_by=UserFactory())
        ProjectDocument.objects.create(
            project=project,
            file=f"attachments/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=UserFactory(),
        )
        StatusChange.objects.create(
            project=project, old_status="pipeline", new_status="pipeline", by=UserFactory()
        )
        project.title = f"Titre révisé {i}"
        project.budget_amount = Decimal(30000 + i)
        project._history_user = UserFactory()
        project.save()  # one more history entry each time
    return project


@pytest.mark.parametrize("n", [1, 8])
def test_project_page_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, n
):
    client = client_for(gao_officer)
    project = _project_with_rows(n)
    # The page: the project alone (its title, access check and the steps the
    # person may take), then for its sections, kept in production, the
    # project again (region, mechanism, window, partner, priority and its
    # plan, focal point joined), whether this project in the pipeline is
    # in a region of the user's office (one EXISTS, `reviews.visibility`),
    # whether the user may edit its region, the same for the "submit" step
    # offered, and whether it can be taken now: the windows of its mechanism,
    # which its rules read (the status page is linked only if so); then its
    # cercles, status changes (with who), locations (with cercle), indicators
    # (achieved value as a subquery), progress reports, the people reached
    # by its latest approved one, documents (with uploader), history records
    # (with user and the rows their fields name) (14). Its money: the
    # approved, transferred and spent totals (1, a subquery each), the
    # mechanism's tranche steps and the steps already paid, for the proposed
    # tranche (2), the approvals (with contribution and donor), tranches
    # (with step) and expenditures (3).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 14 + 6):
        response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    assert len(response.context["history"]) == n + 1
    assert len(response.context["documents"]) == n
    assert len(response.context["approvals"]) == n
    assert len(response.context["expenditures"]) == n
