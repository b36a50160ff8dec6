"""Indicator reports: written by the region's office with optional evidence,
reviewed by headquarters, and counted as achieved once approved."""

import io
import uuid
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image

from accounts.roles import Role
from projects import services
from projects.models import IndicatorEvidence, IndicatorReport
from reviews import services as review
from reviews.models import ReviewEvent
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import IndicatorFactory, IndicatorReportFactory, UserFactory


def _results(project):
    """The project's results as a fund manager reads them (every report)."""
    return services.project_results(project, UserFactory(role=Role.FUND_MANAGER))


def _image(image_format: str) -> bytes:
    """A real picture: stored images are decoded and written again."""
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(output, format=image_format)
    return output.getvalue()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n" + b"0" * 200
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
        "value": "950",
        "comment": "Comptage lors de la distribution.",
    }
    return data | overrides


def achieved_on_project_page(indicator) -> str:
    """The achieved cell of the indicator on the project's indicators partial."""
    context = {
        "project": indicator.project,
        "can_edit": False,
        **_results(indicator.project),
    }
    with translation.override("en"):
        html = render_to_string("projects/_indicators.html", context)
    row = html[html.index('<th scope="row">') :]
    return row.split('<td class="num">')[3].split("</td>")[0].strip()


def steps_on_page(page: str) -> list[str]:
    timeline = page[page.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    return [step.split("</strong>")[0] for step in timeline.split("<strong>")[1:]]


def test_indicator_report_goes_through_the_whole_workflow(
    client, gao_officer, hq_user, english, mailoutbox, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory()
    client.force_login(gao_officer)
    response = client.post(f"/projects/indicators/{indicator.pk}/reports/new/", report_data())
    report = IndicatorReport.objects.get()
    url = f"/projects/indicator-reports/{report.pk}"
    assert response.url == f"{url}/"
    assert (report.indicator, report.value, report.created_by) == (
        indicator,
        Decimal("950"),
        gao_officer,
    )
    assert achieved_on_project_page(indicator).endswith("not yet approved</span>")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}/submit/", follow=True)
    assert "Report submitted" in response.text
    report.refresh_from_db()
    assert (report.review_status, report.submitted_by) == ("submitted", gao_officer)
    assert [message.to for message in mailoutbox] == [[hq_user.email]]
    assert "not yet approved" in achieved_on_project_page(indicator)

    client.force_login(hq_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}/return/", {"comment": "Joignez la liste des ménages."})
    report.refresh_from_db()
    assert (report.review_status, report.reviewed_by) == ("returned", hq_user)
    assert mailoutbox[-1].to == [gao_officer.email]
    assert "Joignez la liste des ménages." in mailoutbox[-1].body

    client.force_login(gao_officer)
    client.post(f"{url}/edit/", report_data(value="1020"))
    client.post(f"{url}/submit/")
    report.refresh_from_db()
    assert (report.review_status, report.value) == ("submitted", Decimal("1020"))
    assert "not yet approved" in achieved_on_project_page(indicator)

    client.force_login(hq_user)
    response = client.post(f"{url}/approve/", {"comment": "Merci."}, follow=True)
    assert "Report approved" in response.text
    report.refresh_from_db()
    assert report.review_status == "approved" and report.is_locked
    assert achieved_on_project_page(indicator) == "1,020"

    page = client.get(f"{url}/").text
    assert steps_on_page(page) == ["Submitted", "Returned", "Submitted", "Approved"]
    assert "Joignez la liste des ménages." in page
    assert '<span class="badge badge--success">approved</span>' in page
    assert f'action="{url}/approve/"' not in page


@pytest.mark.parametrize("user", ["gao_officer", "hq_user"])
def test_approved_indicator_report_is_read_only(
    request, client_for, gao_officer, english, media, user
):
    report = IndicatorReportFactory()
    review.submit(report, by=gao_officer)
    review.approve(report, by=UserFactory(role=Role.HQ_OFFICER))
    client = client_for(request.getfixturevalue(user))
    url = f"/projects/indicator-reports/{report.pk}"

    detail = client.get(f"{url}/")
    form = client.get(f"{url}/edit/")
    edit = client.post(
        f"{url}/edit/",
        report_data(value="5", evidence=SimpleUploadedFile("preuve.pdf", PDF)),
        follow=True,
    )
    submit = client.post(f"{url}/submit/", follow=True)

    assert f'href="{url}/edit/"' not in detail.text
    assert f'action="{url}/submit/"' not in detail.text
    assert (form.status_code, form.url) == (302, f"{url}/")
    assert edit.redirect_chain == [(f"{url}/", 302)]
    assert "This report is approved: it is read-only." in edit.text
    assert "Only a draft or a returned item can be submitted." in submit.text
    report.refresh_from_db()
    assert (report.review_status, report.value) == ("approved", Decimal("800"))
    assert not IndicatorEvidence.objects.exists()
    assert stored_files(media) == []


def test_submitted_indicator_report_cannot_be_edited(client_for, gao_officer, english):
    report = IndicatorReportFactory()
    review.submit(report, by=gao_officer)

    response = client_for(gao_officer).post(
        f"/projects/indicator-reports/{report.pk}/edit/", report_data(value="5"), follow=True
    )

    assert "This report awaits review: it can change only if returned." in response.text
    report.refresh_from_db()
    assert report.value == Decimal("800")


def test_hq_officer_cannot_review_an_indicator_report_they_submitted(client_for, hq_user, english):
    report = IndicatorReportFactory()
    review.submit(report, by=hq_user)
    url = f"/projects/indicator-reports/{report.pk}"
    client = client_for(hq_user)

    page = client.get(f"{url}/").text
    approve = client.post(f"{url}/approve/", follow=True)
    returned = client.post(f"{url}/return/", {"comment": "À revoir."}, follow=True)

    assert f'action="{url}/approve/"' not in page
    assert "another headquarters officer" in page
    for response in (approve, returned):
        assert response.redirect_chain == [(f"{url}/", 302)]
        assert "You submitted this item: another officer must review it." in response.text
    report.refresh_from_db()
    assert (report.review_status, report.reviewed_by) == ("submitted", None)


@pytest.mark.parametrize("comment", ["", "   "])
def test_returning_an_indicator_report_needs_a_comment(
    client_for, gao_officer, hq_user, english, comment
):
    report = IndicatorReportFactory()
    review.submit(report, by=gao_officer)

    response = client_for(hq_user).post(
        f"/projects/indicator-reports/{report.pk}/return/", {"comment": comment}
    )

    assert response.status_code == 200
    assert "Say what must change: a comment is required." in response.text
    assert 'id="return_comment"' in response.text
    report.refresh_from_db()
    assert report.review_status == "submitted"
    assert not ReviewEvent.objects.filter(action="returned").exists()


def test_unknown_step_is_a_404(client_for, hq_user):
    report = IndicatorReportFactory()

    response = client_for(hq_user).post(f"/projects/indicator-reports/{report.pk}/publish/")

    assert response.status_code == 404
    report.refresh_from_db()
    assert report.review_status == "draft"


def test_workflow_steps_refuse_get(client_for, hq_user):
    report = IndicatorReportFactory()
    for step in ("submit", "approve", "return"):
        response = client_for(hq_user).get(f"/projects/indicator-reports/{report.pk}/{step}/")
        assert response.status_code == 405


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"period_start": "2024-06-30", "period_end": "2024-04-01"},
            {"period_end": ["The period cannot end before it starts."]},
        ),
        ({"value": "-1"}, {"value": ["A value cannot be negative."]}),
        ({"value": ""}, {"value": ["This field is required."]}),
    ],
)
def test_bad_indicator_report_is_refused(client_for, gao_officer, english, data, errors):
    indicator = IndicatorFactory()

    response = client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/reports/new/", report_data(**data)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert not IndicatorReport.objects.exists()


def test_values_by_sex_must_add_up_to_the_value(client_for, gao_officer, english):
    indicator = IndicatorFactory(by_sex=True)
    url = f"/projects/indicators/{indicator.pk}/reports/new/"
    client = client_for(gao_officer)

    form = client.get(url)
    wrong = client.post(url, report_data(value="950", value_women="500", value_men="400"))
    missing = client.post(url, report_data(value="950", value_women="500"))
    right = client.post(url, report_data(value="950", value_women="520", value_men="430"))

    assert 'name="value_women"' in form.text and 'name="value_men"' in form.text
    assert wrong.context["form"].errors == {
        "value": ["Women and girls plus men and boys (900) must add up to the value achieved."]
    }
    assert missing.context["form"].errors == {
        "value_men": ["This indicator is disaggregated by sex: give this value."]
    }
    assert right.status_code == 302
    report = IndicatorReport.objects.get()
    assert (report.value_women, report.value_men) == (Decimal("520"), Decimal("430"))


def test_values_by_sex_are_asked_even_when_the_period_is_wrong(client_for, gao_officer, english):
    indicator = IndicatorFactory(by_sex=True)

    response = client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/reports/new/",
        report_data(period_start="2024-06-30", period_end="2024-04-01", value_women="x"),
    )

    assert response.context["form"].errors == {
        "period_end": ["The period cannot end before it starts."],
        "value_women": ["Enter a number."],
        "value_men": ["This indicator is disaggregated by sex: give this value."],
    }
    assert not IndicatorReport.objects.exists()


def test_values_by_sex_are_not_asked_nor_kept_for_other_indicators(client_for, gao_officer):
    indicator = IndicatorFactory(by_sex=False)
    url = f"/projects/indicators/{indicator.pk}/reports/new/"

    form = client_for(gao_officer).get(url)
    client_for(gao_officer).post(url, report_data(value_women="1", value_men="2"))

    assert 'name="value_women"' not in form.text
    report = IndicatorReport.objects.get()
    assert (report.value_women, report.value_men) == (None, None)


def test_create_form_posted_twice_makes_one_report(client_for, gao_officer, english, media):
    indicator = IndicatorFactory()
    client = client_for(gao_officer)
    data = report_data()

    first = client.post(
        f"/projects/indicators/{indicator.pk}/reports/new/",
        data | {"evidence": SimpleUploadedFile("liste.pdf", PDF)},
    )
    second = client.post(
        f"/projects/indicators/{indicator.pk}/reports/new/",
        data | {"evidence": SimpleUploadedFile("liste.pdf", PDF)},
        follow=True,
    )

    report = IndicatorReport.objects.get()
    assert first.url == f"/projects/indicator-reports/{report.pk}/"
    assert second.redirect_chain == [(f"/projects/indicator-reports/{report.pk}/", 302)]
    assert "the report exists once" in second.text
    assert report.evidence.count() == 1
    assert len(stored_files(media)) == 1


# --- Evidence ---------------------------------------------------------------------------------


def test_evidence_is_stored_and_downloaded_by_the_office_then_by_all_once_approved(
    client_for, gao_officer, viewer, english, media
):
    indicator = IndicatorFactory()
    response = client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/reports/new/",
        report_data(
            evidence=SimpleUploadedFile("Liste des ménages.pdf", PDF),
            evidence_title="Liste signée",
        ),
        follow=True,
    )

    evidence = IndicatorEvidence.objects.get()
    assert evidence.report == IndicatorReport.objects.get()
    assert (evidence.original_name, evidence.title, evidence.uploaded_by) == (
        "Liste des ménages.pdf",
        "Liste signée",
        gao_officer,
    )
    assert f'href="/projects/evidence/{evidence.pk}/"' in response.text
    assert "Liste signée" in response.text

    # The draft's evidence: the region's office downloads it, a viewer does
    # not find it (`reviews.visibility`).
    own = client_for(gao_officer).get(f"/projects/evidence/{evidence.pk}/")
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert client_for(viewer).get(f"/projects/evidence/{evidence.pk}/").status_code == 404

    IndicatorReport.objects.update(review_status="approved")
    download = client_for(viewer).get(f"/projects/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_evidence_is_added_when_a_draft_is_edited(client_for, gao_officer, media):
    report = IndicatorReportFactory()

    client_for(gao_officer).post(
        f"/projects/indicator-reports/{report.pk}/edit/",
        report_data(evidence=SimpleUploadedFile("photo.png", PNG)),
    )

    assert report.evidence.get().content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("liste.pdf", PNG, "does not match its .pdf extension"),
        ("photo.jpg", b"not a picture at all" * 10, "does not match its .jpg extension"),
        ("outil.exe", b"MZ" + b"\0" * 200, "Only PDF, Word, Excel and image files"),
    ],
)
def test_bad_evidence_is_refused_with_the_whole_report(
    client_for, gao_officer, english, media, name, content, message
):
    indicator = IndicatorFactory()

    response = client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/reports/new/",
        report_data(evidence=SimpleUploadedFile(name, content)),
    )

    assert response.status_code == 200
    assert message in response.text
    assert not IndicatorReport.objects.exists()
    assert stored_files(media) == []


def test_evidence_over_the_size_limit_is_refused(client_for, gao_officer, english, media, settings):
    settings.UPLOAD_MAX_BYTES = 100
    indicator = IndicatorFactory()

    response = client_for(gao_officer).post(
        f"/projects/indicators/{indicator.pk}/reports/new/",
        report_data(evidence=SimpleUploadedFile("liste.pdf", PDF)),
    )

    assert "The file is too large" in response.text
    assert not IndicatorReport.objects.exists()
    assert stored_files(media) == []


# --- The page -------------------------------------------------------------------------------


def _fill(report, n: int) -> None:
    """n evidence files, n other reports on the indicator, and 2n - 1 timeline
    events (submitted and returned in turn) that leave the report submitted."""
    for i in range(n):
        IndicatorEvidence.objects.create(
            report=report,
            file=f"attachments/2024/04/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=1000,
            uploaded_by=report.created_by,
        )
    IndicatorReportFactory.create_batch(n, indicator=report.indicator)
    submitter, reviewer = UserFactory(), UserFactory(role=Role.HQ_OFFICER)
    review.submit(report, by=submitter, notify=False)
    for i in range(n - 1):
        review.return_for_changes(report, by=reviewer, comment=f"Commentaire {i}", notify=False)
        review.submit(report, by=submitter, notify=False)


@pytest.mark.parametrize("rows", [1, 8])
def test_indicator_report_page_query_count_does_not_grow(
    client_for, hq_user, django_assert_num_queries, rows
):
    report = IndicatorReportFactory()
    _fill(report, rows)
    client = client_for(hq_user)
    client.get(f"/projects/indicator-reports/{report.pk}/")  # warms the content-type cache
    # the report (with indicator, project, region, creator, submitter and
    # reviewer); the evidence (with uploaders); the timeline (with actors); the
    # other reports on the indicator. (A submitted report is not editable, so
    # whether the user edits the region is not asked; the role read for the
    # review forms is the navigation's.)
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4):
        response = client.get(f"/projects/indicator-reports/{report.pk}/")
    assert response.context["can_review"]
    assert len(response.context["events"]) == 2 * rows - 1
    assert len(response.context["evidence"]) == rows
    assert len(response.context["other_reports"]) == rows


def test_indicator_report_page_shows_the_report(client_for, reader, english):
    indicator = IndicatorFactory(by_sex=True, unit="personnes")
    report = IndicatorReportFactory(
        indicator=indicator,
        value=Decimal("800"),
        value_women=Decimal("450"),
        value_men=Decimal("350"),
        comment="Comptage certifié par la mairie.",
    )

    response = client_for(reader).get(f"/projects/indicator-reports/{report.pk}/")

    assert response.status_code == 200
    page = response.text
    for text in (
        'class="breadcrumbs"',
        '<a href="/projects/">Projects</a>',
        f'<a href="/projects/{indicator.project.pk}/">{indicator.project.code}</a>',
        indicator.title.replace("'", "&#x27;"),
        "800 personnes",
        "450",
        "350",
        "Comptage certifié par la mairie.",
        '<span class="badge badge--muted">draft</span>',
        "Nothing has happened yet",
    ):
        assert text in page, text
    assert "/edit/" not in page
    assert 'action="' not in page.split("</header>")[1].split("<footer")[0]
