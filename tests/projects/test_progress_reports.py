"""Progress reports: written by the region's office with photos and
documents, reviewed by headquarters, read-only once approved."""

import datetime
import io
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.roles import Role
from projects.models import ProgressReport, ProgressReportAttachment, Project
from reviews import services as review
from reviews.models import ReviewEvent
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    IndicatorReportFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
)


def _image(image_format: str) -> bytes:
    """A real picture: stored images are decoded and written again."""
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(output, format=image_format)
    return output.getvalue()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n" + b"0" * 200
JPEG = _image("JPEG")
PNG = _image("PNG")


@pytest.fixture
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def report_data(**overrides) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "period_start": "2024-04-01",
        "period_end": "2024-06-30",
        "narrative": "Pompe installée ; le comité de gestion est formé.",
        "percent_complete": "70",
        "site_accessible": "on",
    }
    return data | overrides


def events_of(report) -> list[tuple[str, str, str]]:
    return [
        (event.action, event.actor.username, event.comment) for event in review.timeline(report)
    ]


def test_progress_report_goes_through_the_whole_workflow(
    client, gao_officer, hq_user, english, mailoutbox, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    client.force_login(gao_officer)
    response = client.post(f"/projects/{project.pk}/reports/new/", report_data())
    report = ProgressReport.objects.get()
    url = f"/projects/reports/{report.pk}"
    assert response.url == f"{url}/"
    assert (report.project, report.percent_complete, report.site_accessible) == (project, 70, True)
    assert report.created_by == gao_officer

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}/submit/", follow=True)
    assert "Report submitted: headquarters will review it." in response.text
    report.refresh_from_db()
    assert (report.review_status, report.submitted_by) == ("submitted", gao_officer)
    assert [message.to for message in mailoutbox] == [[hq_user.email]]

    client.force_login(hq_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}/return/", {"comment": "Ajoutez des photos du forage."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.review_status, report.reviewed_by) == ("returned", hq_user)
    assert mailoutbox[-1].to == [gao_officer.email]

    client.force_login(gao_officer)
    queue = client.get("/reviews/")
    assert queue.context["sections"]["returned"].items == [report]
    client.post(f"{url}/edit/", report_data(percent_complete="75", site_accessible=""))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}/submit/")
    report.refresh_from_db()
    assert (report.review_status, report.percent_complete) == ("submitted", 75)
    assert report.site_accessible is False

    client.force_login(hq_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}/approve/", {"comment": ""}, follow=True)
    assert "Report approved: the submitter has been told." in response.text
    report.refresh_from_db()
    assert report.review_status == "approved" and report.is_locked
    assert mailoutbox[-1].to == [gao_officer.email]
    assert len(mailoutbox) == 4

    assert events_of(report) == [
        ("submitted", "gao_officer", ""),
        ("returned", "hq_officer", "Ajoutez des photos du forage."),
        ("submitted", "gao_officer", ""),
        ("approved", "hq_officer", ""),
    ]
    page = client.get(f"{url}/").text
    assert '<span class="badge badge--success">approved</span>' in page
    assert "Ajoutez des photos du forage." in page
    assert "read-only" in page


@pytest.mark.parametrize("user", ["gao_officer", "hq_user"])
def test_approved_progress_report_is_read_only(
    request, client_for, gao_officer, english, media, user
):
    report = ProgressReportFactory()
    review.submit(report, by=gao_officer)
    review.approve(report, by=UserFactory(role=Role.HQ_OFFICER))
    client = client_for(request.getfixturevalue(user))
    url = f"/projects/reports/{report.pk}"

    detail = client.get(f"{url}/")
    edit = client.post(f"{url}/edit/", report_data(narrative="Changé."), follow=True)
    upload = client.post(
        f"{url}/attachments/new/", {"file": SimpleUploadedFile("photo.png", PNG)}, follow=True
    )
    submit = client.post(f"{url}/submit/", follow=True)
    returned = client.post(f"{url}/return/", {"comment": "Non."}, follow=True)

    assert f'href="{url}/edit/"' not in detail.text
    assert f'href="{url}/attachments/new/"' not in detail.text
    assert f'action="{url}/submit/"' not in detail.text
    assert f'action="{url}/approve/"' not in detail.text
    assert "This report is approved: it is read-only." in edit.text
    assert "This report is approved: it is read-only." in upload.text
    assert "Only a draft or a returned item can be submitted." in submit.text
    if user == "hq_user":
        assert "Only a submitted item can be returned." in returned.text
    else:
        assert returned.status_code == 403
    report.refresh_from_db()
    assert report.review_status == "approved"
    assert report.narrative != "Changé."
    assert not ProgressReportAttachment.objects.exists()
    assert stored_files(media) == []
    assert [event.action for event in review.timeline(report)] == ["submitted", "approved"]


def test_hq_officer_cannot_review_a_progress_report_they_submitted(client_for, hq_user, english):
    report = ProgressReportFactory()
    review.submit(report, by=hq_user)
    url = f"/projects/reports/{report.pk}"

    response = client_for(hq_user).post(f"{url}/approve/", follow=True)

    assert response.redirect_chain == [(f"{url}/", 302)]
    assert "You submitted this item: another officer must review it." in response.text
    report.refresh_from_db()
    assert report.review_status == "submitted"


@pytest.mark.parametrize("comment", ["", " \n "])
def test_returning_a_progress_report_needs_a_comment(
    client_for, gao_officer, hq_user, english, comment
):
    report = ProgressReportFactory()
    review.submit(report, by=gao_officer)

    response = client_for(hq_user).post(
        f"/projects/reports/{report.pk}/return/", {"comment": comment}
    )

    assert response.status_code == 200
    assert "Say what must change: a comment is required." in response.text
    report.refresh_from_db()
    assert report.review_status == "submitted"
    assert not ReviewEvent.objects.filter(action="returned").exists()


@pytest.mark.parametrize("step", ["publish", "reopen", "delete"])
def test_unknown_step_is_a_404(client_for, hq_user, step):
    report = ProgressReportFactory()

    assert client_for(hq_user).post(f"/projects/reports/{report.pk}/{step}/").status_code == 404


def test_double_clicked_submit_records_one_event(client_for, gao_officer, english):
    report = ProgressReportFactory()
    client = client_for(gao_officer)

    client.post(f"/projects/reports/{report.pk}/submit/")
    second = client.post(f"/projects/reports/{report.pk}/submit/", follow=True)

    assert "Only a draft or a returned item can be submitted." in second.text
    assert [event.action for event in review.timeline(report)] == ["submitted"]


def test_progress_report_records_the_people_reached_and_shows_them(
    client_for, gao_officer, english
):
    project = ProjectFactory()
    client = client_for(gao_officer)

    client.post(
        f"/projects/{project.pk}/reports/new/",
        report_data(women_reached="120", men_reached="80", girls_reached="", boys_reached="5"),
    )

    report = ProgressReport.objects.get()
    reached = (report.women_reached, report.men_reached, report.girls_reached, report.boys_reached)
    assert reached == (120, 80, 0, 5)
    page = client.get(report.get_absolute_url()).text
    assert "120 women, 80 men, 0 girls, 5 boys" in page


def test_the_project_page_counts_as_reached_only_its_latest_approved_report(
    client_for, reader, english
):
    project = ProjectFactory()
    ProgressReportFactory(project=project, review_status="approved", women_reached=40)
    ProgressReportFactory(
        project=project,
        review_status="submitted",
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 6, 30),
        women_reached=90,
    )

    # Read by someone who reads the submitted report too: only the approved
    # one is counted all the same.
    response = client_for(reader).get(project.get_absolute_url())

    assert response.context["reached"]["women"] == 40
    assert "40 women, 0 men, 0 girls, 0 boys: 40 in all" in response.text
    assert "120 women, 100 men, 80 girls, 75 boys: 375 in all" in response.text  # targeted


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"period_start": "2024-06-30", "period_end": "2024-04-01"},
            {"period_end": ["The period cannot end before it starts."]},
        ),
        (
            {"percent_complete": "101"},
            {"percent_complete": ["Ensure this value is less than or equal to 100."]},
        ),
        (
            {"percent_complete": "-1"},
            {"percent_complete": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({"narrative": ""}, {"narrative": ["This field is required."]}),
        (
            {"women_reached": "-3"},
            {"women_reached": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({"boys_reached": "beaucoup"}, {"boys_reached": ["Enter a whole number."]}),
    ],
)
def test_bad_progress_report_is_refused(client_for, gao_officer, english, data, errors):
    project = ProjectFactory()

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/reports/new/", report_data(**data)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert not ProgressReport.objects.exists()


def test_edit_with_percentage_over_100_changes_nothing(client_for, gao_officer, english):
    report = ProgressReportFactory()

    response = client_for(gao_officer).post(
        f"/projects/reports/{report.pk}/edit/", report_data(percent_complete="101")
    )

    assert response.status_code == 200
    report.refresh_from_db()
    assert report.percent_complete == 40


def test_create_form_posted_twice_makes_one_report(client_for, gao_officer, english):
    project = ProjectFactory()
    client = client_for(gao_officer)
    data = report_data()

    first = client.post(f"/projects/{project.pk}/reports/new/", data)
    second = client.post(f"/projects/{project.pk}/reports/new/", data, follow=True)

    report = ProgressReport.objects.get()
    assert first.url == f"/projects/reports/{report.pk}/"
    assert second.redirect_chain == [(f"/projects/reports/{report.pk}/", 302)]
    assert "the report exists once" in second.text


def test_create_form_carries_a_one_time_token(client_for, gao_officer):
    project = ProjectFactory()

    response = client_for(gao_officer).get(f"/projects/{project.pk}/reports/new/")

    assert 'name="token"' in response.text
    assert 'name="narrative"' in response.text


# --- Photos and documents -------------------------------------------------------------------


def test_officer_attaches_a_photo_that_all_download_once_the_report_is_approved(
    client_for, gao_officer, viewer, english, media
):
    report = ProgressReportFactory()

    response = client_for(gao_officer).post(
        f"/projects/reports/{report.pk}/attachments/new/",
        {"title": "Forage terminé", "file": SimpleUploadedFile("IMG_0042.jpg", JPEG)},
        follow=True,
    )

    assert response.redirect_chain == [(f"/projects/reports/{report.pk}/", 302)]
    assert "File attached." in response.text
    attachment = ProgressReportAttachment.objects.get()
    assert (attachment.report, attachment.content_type) == (report, "image/jpeg")
    assert (attachment.original_name, attachment.uploaded_by) == ("IMG_0042.jpg", gao_officer)
    assert "IMG_0042" not in attachment.file.name
    assert f'href="/projects/reports/attachments/{attachment.pk}/"' in response.text

    # The draft's photo: the region's office downloads it, a viewer does not
    # find it (`reviews.visibility`); once the report is approved, everyone does.
    url = f"/projects/reports/attachments/{attachment.pk}/"
    assert client_for(gao_officer).get(url).status_code == 200
    assert client_for(viewer).get(url).status_code == 404
    ProgressReport.objects.filter(pk=report.pk).update(review_status="approved")
    download = client_for(viewer).get(url)
    assert download.status_code == 200
    # Re-encoded from its pixels (tests/core/test_image_metadata.py).
    assert Image.open(io.BytesIO(b"".join(download.streaming_content))).size == (8, 8)
    assert "IMG_0042.jpg" in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment;")


def test_upload_form_sends_files(client_for, gao_officer):
    report = ProgressReportFactory()

    response = client_for(gao_officer).get(f"/projects/reports/{report.pk}/attachments/new/")

    assert 'enctype="multipart/form-data"' in response.text
    assert 'type="file"' in response.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", PNG, "does not match its .pdf extension"),
        ("photo.jpg", PDF, "does not match its .jpg extension"),
        ("script.html", b"<script>alert(1)</script>" * 10, "Only PDF, Word, Excel and image"),
    ],
)
def test_file_whose_content_does_not_fit_is_refused(
    client_for, gao_officer, english, media, name, content, message
):
    report = ProgressReportFactory()

    response = client_for(gao_officer).post(
        f"/projects/reports/{report.pk}/attachments/new/",
        {"file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    assert message in response.text
    assert not ProgressReportAttachment.objects.exists()
    assert stored_files(media) == []


def test_file_over_the_size_limit_is_refused(client_for, gao_officer, english, media, settings):
    settings.UPLOAD_MAX_BYTES = 100
    report = ProgressReportFactory()

    response = client_for(gao_officer).post(
        f"/projects/reports/{report.pk}/attachments/new/",
        {"file": SimpleUploadedFile("rapport.pdf", PDF)},
    )

    assert "The file is too large" in response.text
    assert not ProgressReportAttachment.objects.exists()
    assert stored_files(media) == []


def test_no_upload_while_the_report_awaits_review(client_for, gao_officer, english, media):
    report = ProgressReportFactory()
    review.submit(report, by=gao_officer)

    response = client_for(gao_officer).post(
        f"/projects/reports/{report.pk}/attachments/new/",
        {"file": SimpleUploadedFile("rapport.pdf", PDF)},
        follow=True,
    )

    assert "This report awaits review: it can change only if returned." in response.text
    assert not ProgressReportAttachment.objects.exists()
    assert stored_files(media) == []


# --- The page and the queue ---------------------------------------------------------------------


def test_progress_report_page_shows_the_report(client_for, reader, english):
    report = ProgressReportFactory(
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 6, 30),
        percent_complete=55,
        site_accessible=False,
    )

    response = client_for(reader).get(f"/projects/reports/{report.pk}/")

    assert response.status_code == 200
    page = response.text
    for text in (
        '<a href="/projects/">Projects</a>',
        f'<a href="/projects/{report.project.pk}/">{report.project.code}</a>',
        "Progress report, 1 Apr 2024 to 30 Jun 2024",
        "Forage réalisé ; la pompe est en cours d&#x27;installation.",
        "55 %",
        "No: insecurity kept the team away",
        '<span class="badge badge--muted">draft</span>',
        "No photo or document is attached to this report.",
    ):
        assert text in page, text
    assert f"/projects/reports/{report.pk}/edit/" not in page


def test_editor_sees_the_edit_and_submit_buttons_on_a_draft(client_for, gao_officer):
    report = ProgressReportFactory()
    url = f"/projects/reports/{report.pk}"

    page = client_for(gao_officer).get(f"{url}/").text

    assert f'href="{url}/edit/"' in page
    assert f'href="{url}/attachments/new/"' in page
    assert f'action="{url}/submit/"' in page


def test_queue_lists_submitted_reports_with_their_project(
    client_for, gao_officer, hq_user, english
):
    progress = review.submit(ProgressReportFactory(), by=gao_officer)
    indicator = review.submit(IndicatorReportFactory(), by=gao_officer)

    response = client_for(hq_user).get("/reviews/")

    assert response.status_code == 200
    assert set(response.context["sections"]["awaiting"].items) == {progress, indicator}
    page = response.text
    assert f'<a href="/projects/reports/{progress.pk}/">{progress}</a>' in page
    assert f'href="/projects/indicator-reports/{indicator.pk}/"' in page
    assert "Progress report" in page and "Indicator report" in page
    assert progress.project.code in page and indicator.indicator.project.code in page


def _fill(report, n: int) -> None:
    """n attachments and 2n - 1 timeline events that leave the report submitted."""
    for i in range(n):
        ProgressReportAttachment.objects.create(
            report=report,
            file=f"attachments/2024/04/{i}.jpg",
            original_name=f"{i}.jpg",
            content_type="image/jpeg",
            size=1000,
            uploaded_by=report.created_by,
        )
    submitter, reviewer = UserFactory(), UserFactory(role=Role.HQ_OFFICER)
    review.submit(report, by=submitter, notify=False)
    for i in range(n - 1):
        review.return_for_changes(report, by=reviewer, comment=f"Commentaire {i}", notify=False)
        review.submit(report, by=submitter, notify=False)


@pytest.mark.parametrize("rows", [1, 8])
def test_progress_report_page_query_count_does_not_grow(
    client_for, hq_user, django_assert_num_queries, rows
):
    report = ProgressReportFactory()
    _fill(report, rows)
    client = client_for(hq_user)
    client.get(f"/projects/reports/{report.pk}/")  # warms the content-type cache
    # the report (with project, region, creator, submitter and reviewer); the
    # attachments (with uploaders); the timeline (with actors)
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 3):
        response = client.get(f"/projects/reports/{report.pk}/")
    assert response.context["can_review"]
    assert len(response.context["events"]) == 2 * rows - 1
    assert len(response.context["attachments"]) == rows


@pytest.mark.parametrize("rows", [1, 8])
def test_draft_page_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, rows
):
    report = ProgressReportFactory()
    for i in range(rows):
        ProgressReportAttachment.objects.create(
            report=report,
            file=f"attachments/2024/04/{i}.jpg",
            original_name=f"{i}.jpg",
            content_type="image/jpeg",
            size=1000,
            uploaded_by=report.created_by,
        )
    client = client_for(gao_officer)
    client.get(f"/projects/reports/{report.pk}/")  # warms the content-type cache
    # the report; whether the draft is in a region of the user's office (one
    # EXISTS, `reviews.visibility.may_see`); whether the user edits the
    # project's region; the attachments; the timeline
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 5):
        response = client.get(f"/projects/reports/{report.pk}/")
    assert response.context["can_edit"]
    assert len(response.context["attachments"]) == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_queue_with_reports_query_count_does_not_grow(
    client_for, gao_officer, hq_user, django_assert_num_queries, rows
):
    for _ in range(rows):
        review.submit(ProgressReportFactory(), by=gao_officer, notify=False)
        review.submit(IndicatorReportFactory(), by=gao_officer, notify=False)
    client = client_for(hq_user)
    # for each section (awaiting, returned, my submissions, drafts) and each of
    # the five reviewed models the rows (each kind with the project or the
    # region its title names; counted only beyond the section's limit):
    # twenty; the regions of the filter form (nothing returned: no comments
    # read); the reports overdue in the offices: the projects and the plans
    # that report (none here, so nothing more is read)
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 20 + 1 + 2):
        response = client.get("/reviews/")
    assert len(response.context["sections"]["awaiting"].items) == 2 * rows


@pytest.mark.parametrize("project_status", ["cancelled", "closed"])
@pytest.mark.parametrize(
    ("step", "data"), [("approve", {}), ("return", {"comment": "Ajoutez des photos."})]
)
def test_reports_of_a_cancelled_or_closed_project_take_no_review_step(
    client_for, gao_officer, hq_user, english, project_status, step, data
):
    """The audit's path: headquarters approved and returned reports of a cancelled project."""
    project = ProjectFactory(status="ongoing")
    report = ProgressReportFactory(project=project)
    review.submit(report, by=gao_officer)
    Project.objects.filter(pk=project.pk).update(status=project_status)
    url = f"/projects/reports/{report.pk}"

    response = client_for(hq_user).post(f"{url}/{step}/", data, follow=True)

    assert (
        f"The project is {project_status}: its reports can no longer be submitted or reviewed."
        in response.text
    )
    report.refresh_from_db()
    assert report.review_status == "submitted"
    assert [event.action for event in review.timeline(report)] == ["submitted"]
