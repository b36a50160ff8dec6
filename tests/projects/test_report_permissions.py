"""Who may do what with a project's locations, indicators and reports: every
role, every action, on a project of a region their office covers and of
regions it does not. Editors of the region write and submit; headquarters
reviews; everyone signed in reads and downloads approved reports, drafts
only headquarters and the office of the region (`reviews.visibility`)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from projects.models import (
    Indicator,
    IndicatorEvidence,
    IndicatorReport,
    Location,
    ProgressReport,
    ProgressReportAttachment,
    Project,
)
from regions.models import Region
from reviews import services as review
from reviews.models import Reviewable, ReviewEvent
from tests.factories import (
    IndicatorFactory,
    IndicatorReportFactory,
    LocationFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n" + b"0" * 100

USERS = [
    "hq_user",
    "gao_officer",
    "mopti_officer",
    "tombouctou_head",
    "fund_manager",
    "viewer",
    "admin_user",
    "no_role_user",
]
# Gao's office covers ML-7, Mopti's ML-5, Tombouctou's ML-6; HQ edits everywhere.
EDITORS = {
    "ML-7": {"hq_user", "gao_officer"},
    "ML-5": {"hq_user", "mopti_officer"},
    "ML-6": {"hq_user", "tombouctou_head"},
}
REVIEWERS = dict.fromkeys(EDITORS, {"hq_user"})
# Who reads a report of ML-5 that is not approved: headquarters, the
# administrator and Mopti's office; the others do not find it (404).
DRAFT_READERS_ML5 = {"hq_user", "fund_manager", "admin_user", "mopti_officer"}


@pytest.fixture
def media_root(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _project(code: str) -> Project:
    return ProjectFactory(region=Region.objects.get(code=code))


def _submitted(report: Reviewable) -> Reviewable:
    # Submitted by a colleague: whoever reviews it is not its submitter.
    return review.submit(report, by=UserFactory(role=Role.REGIONAL_OFFICER), notify=False)


def _indicator_report(code: str) -> IndicatorReport:
    return IndicatorReportFactory(indicator__project=_project(code))


def _progress_report(code: str) -> ProgressReport:
    return ProgressReportFactory(project=_project(code))


def _indicator_report_form(**extra) -> dict:
    return {
        "token": str(uuid.uuid4()),
        "period_start": "2024-04-01",
        "period_end": "2024-06-30",
        "value": "123",
        "comment": "",
    } | extra


def _progress_report_form() -> dict:
    return {
        "token": str(uuid.uuid4()),
        "period_start": "2024-04-01",
        "period_end": "2024-06-30",
        "narrative": "Écrit par le test.",
        "percent_complete": "50",
    }


# Each action returns (response, whether the database changed).


def _add_location(client, code):
    project = _project(code)
    response = client.post(
        f"/projects/{project.pk}/locations/new/",
        {"place": "Écrit par le test", "sensitivity": "normal"},
    )
    return response, project.locations.exists()


def _edit_location(client, code):
    location = LocationFactory(project=_project(code))
    response = client.post(
        f"/projects/locations/{location.pk}/edit/",
        {"place": "Écrit par le test", "latitude": "", "longitude": "", "sensitivity": "normal"},
    )
    location.refresh_from_db()
    return response, location.place == "Écrit par le test"


def _delete_location(client, code):
    location = LocationFactory(project=_project(code))
    response = client.post(f"/projects/locations/{location.pk}/delete/")
    return response, not Location.objects.filter(pk=location.pk).exists()


def _add_indicator(client, code):
    project = _project(code)
    response = client.post(
        f"/projects/{project.pk}/indicators/new/",
        {"title": "Écrit par le test", "unit": "écoles", "baseline": "0", "target": "3"},
    )
    return response, project.indicators.exists()


def _edit_indicator(client, code):
    indicator = IndicatorFactory(project=_project(code))
    response = client.post(
        f"/projects/indicators/{indicator.pk}/edit/",
        {"title": "Écrit par le test", "unit": "écoles", "baseline": "0", "target": "3"},
    )
    indicator.refresh_from_db()
    return response, indicator.title == "Écrit par le test"


def _create_indicator_report(client, code):
    indicator = IndicatorFactory(project=_project(code))
    response = client.post(
        f"/projects/indicators/{indicator.pk}/reports/new/", _indicator_report_form()
    )
    return response, indicator.reports.exists()


def _edit_indicator_report(client, code):
    report = _indicator_report(code)
    response = client.post(
        f"/projects/indicator-reports/{report.pk}/edit/", _indicator_report_form()
    )
    report.refresh_from_db()
    return response, report.value == 123


def _upload_evidence(client, code):
    report = _indicator_report(code)
    form = _indicator_report_form(evidence=SimpleUploadedFile("preuve.pdf", PDF))
    response = client.post(f"/projects/indicator-reports/{report.pk}/edit/", form)
    return response, IndicatorEvidence.objects.filter(report=report).exists()


def _step(kind: str, step: str, *, submitted: bool):
    make, url = {
        "indicator": (_indicator_report, "/projects/indicator-reports"),
        "progress": (_progress_report, "/projects/reports"),
    }[kind]
    expected = {"submit": "submitted", "approve": "approved", "return": "returned"}[step]

    def perform(client, code):
        report = make(code)
        if submitted:
            report = _submitted(report)
        response = client.post(f"{url}/{report.pk}/{step}/", {"comment": "À compléter."})
        report.refresh_from_db()
        return response, report.review_status == expected

    return perform


def _create_progress_report(client, code):
    project = _project(code)
    response = client.post(f"/projects/{project.pk}/reports/new/", _progress_report_form())
    return response, project.progress_reports.exists()


def _edit_progress_report(client, code):
    report = _progress_report(code)
    response = client.post(f"/projects/reports/{report.pk}/edit/", _progress_report_form())
    report.refresh_from_db()
    return response, report.narrative == "Écrit par le test."


def _upload_progress_file(client, code):
    report = _progress_report(code)
    response = client.post(
        f"/projects/reports/{report.pk}/attachments/new/",
        {"file": SimpleUploadedFile("rapport.pdf", PDF)},
    )
    return response, ProgressReportAttachment.objects.filter(report=report).exists()


ACTIONS = {
    "add location": (_add_location, EDITORS),
    "edit location": (_edit_location, EDITORS),
    "delete location": (_delete_location, EDITORS),
    "add indicator": (_add_indicator, EDITORS),
    "edit indicator": (_edit_indicator, EDITORS),
    "create indicator report": (_create_indicator_report, EDITORS),
    "edit indicator report": (_edit_indicator_report, EDITORS),
    "upload evidence": (_upload_evidence, EDITORS),
    "submit indicator report": (_step("indicator", "submit", submitted=False), EDITORS),
    "approve indicator report": (_step("indicator", "approve", submitted=True), REVIEWERS),
    "return indicator report": (_step("indicator", "return", submitted=True), REVIEWERS),
    "create progress report": (_create_progress_report, EDITORS),
    "edit progress report": (_edit_progress_report, EDITORS),
    "upload progress file": (_upload_progress_file, EDITORS),
    "submit progress report": (_step("progress", "submit", submitted=False), EDITORS),
    "approve progress report": (_step("progress", "approve", submitted=True), REVIEWERS),
    "return progress report": (_step("progress", "return", submitted=True), REVIEWERS),
}


@pytest.mark.parametrize("code", sorted(EDITORS))
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("user", USERS)
def test_permission_matrix(request, client_for, media_root, user, action, code):
    client = client_for(request.getfixturevalue(user))
    perform, allowed = ACTIONS[action]

    events_before = ReviewEvent.objects.count()
    response, changed = perform(client, code)

    if user in allowed[code]:
        assert response.status_code == 302
        assert changed
    else:
        assert response.status_code == 403
        assert not changed
        # Only the colleague's submission that set up a review step, if any.
        setup_events = 1 if allowed is REVIEWERS else 0
        assert ReviewEvent.objects.count() == events_before + setup_events
        assert not [path for path in media_root.rglob("*") if path.is_file()]


@pytest.mark.parametrize("user", USERS)
def test_outsiders_get_403_on_the_forms(request, client_for, db, user):
    """Mopti's records: only headquarters and Mopti's office open their forms."""
    project = _project("ML-5")
    location = LocationFactory(project=project)
    indicator = IndicatorFactory(project=project)
    indicator_report = IndicatorReportFactory(indicator=indicator)
    progress_report = ProgressReportFactory(project=project)
    client = client_for(request.getfixturevalue(user))
    expected = 200 if user in EDITORS["ML-5"] else 403

    for url in (
        f"/projects/{project.pk}/locations/new/",
        f"/projects/locations/{location.pk}/edit/",
        f"/projects/locations/{location.pk}/delete/",
        f"/projects/{project.pk}/indicators/new/",
        f"/projects/indicators/{indicator.pk}/edit/",
        f"/projects/indicators/{indicator.pk}/reports/new/",
        f"/projects/indicator-reports/{indicator_report.pk}/edit/",
        f"/projects/{project.pk}/reports/new/",
        f"/projects/reports/{progress_report.pk}/edit/",
        f"/projects/reports/{progress_report.pk}/attachments/new/",
    ):
        assert client.get(url).status_code == expected, url
    assert Location.objects.count() == Indicator.objects.count() == 1


@pytest.mark.parametrize("review_status", ["draft", "submitted", "returned", "approved"])
@pytest.mark.parametrize("user", USERS)
def test_approved_reports_are_read_by_all_and_others_by_hq_and_the_regions_office(
    request, client_for, db, user, review_status
):
    indicator_report = IndicatorReportFactory(
        indicator__project=_project("ML-5"), review_status=review_status
    )
    progress_report = ProgressReportFactory(project=_project("ML-5"), review_status=review_status)
    link = {"original_name": "f.pdf", "content_type": "application/pdf", "size": 1}
    evidence = IndicatorEvidence.objects.create(
        report=indicator_report, uploaded_by=indicator_report.created_by, **link
    )
    attachment = ProgressReportAttachment.objects.create(
        report=progress_report, uploaded_by=progress_report.created_by, **link
    )
    evidence.file.save("f.pdf", SimpleUploadedFile("f.pdf", PDF))
    attachment.file.save("f.pdf", SimpleUploadedFile("f.pdf", PDF))
    client = client_for(request.getfixturevalue(user))
    reads = review_status == "approved" or user in DRAFT_READERS_ML5

    for url in (
        f"/projects/indicator-reports/{indicator_report.pk}/",
        f"/projects/reports/{progress_report.pk}/",
    ):
        assert client.get(url).status_code == (200 if reads else 404), url
    for url in (
        f"/projects/evidence/{evidence.pk}/",
        f"/projects/reports/attachments/{attachment.pk}/",
    ):
        response = client.get(url)
        if reads:
            assert response.status_code == 200, url
            assert b"".join(response.streaming_content) == PDF
        else:
            assert response.status_code == 404, url


@pytest.mark.parametrize("user", USERS)
def test_only_other_hq_officers_see_the_review_forms(request, client_for, db, user):
    indicator_report = _submitted(_indicator_report("ML-7"))
    progress_report = _submitted(_progress_report("ML-7"))
    client = client_for(request.getfixturevalue(user))

    for url in (
        f"/projects/indicator-reports/{indicator_report.pk}",
        f"/projects/reports/{progress_report.pk}",
    ):
        page = client.get(f"{url}/").text
        assert (f'action="{url}/approve/"' in page) == (user == "hq_user")
        assert (f'action="{url}/return/"' in page) == (user == "hq_user")


def test_pages_require_sign_in(client, db):
    report = IndicatorReportFactory()
    progress = ProgressReportFactory()
    for url in (
        f"/projects/{progress.project.pk}/locations/new/",
        f"/projects/{progress.project.pk}/reports/new/",
        f"/projects/indicator-reports/{report.pk}/",
        f"/projects/reports/{progress.pk}/",
        "/projects/evidence/1/",
        "/projects/reports/attachments/1/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/")


def test_unknown_records_are_404(client_for, hq_user):
    client = client_for(hq_user)
    for url in (
        "/projects/indicator-reports/999/",
        "/projects/reports/999/",
        "/projects/locations/999/edit/",
        "/projects/indicators/999/edit/",
        "/projects/evidence/999/",
        "/projects/reports/attachments/999/",
    ):
        assert client.get(url).status_code == 404, url
