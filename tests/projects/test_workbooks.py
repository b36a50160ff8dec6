"""Reporting workbooks: an office downloads the workbook of a quarter, fills
it offline, uploads it (checked whole: all rows or none), and submits the
drafts it created together. The same workbook uploaded twice creates
nothing twice."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from projects.models import IndicatorReport, IndicatorTarget, ProgressReport, Project
from regions.models import Office
from reviews import services as review_services
from reviews.models import ReviewStatus
from tests.factories import (
    IndicatorFactory,
    IndicatorReportFactory,
    ProgressReportFactory,
    ProjectFactory,
)

HOME = reverse("projects:workbooks")
TEMPLATE = reverse("projects:workbook_template")
UPLOAD = reverse("projects:workbook_upload")
DRAFTS = reverse("projects:workbook_drafts")
SUBMIT = reverse("projects:workbook_submit")
Q1 = "2024-Q1"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def gao(db):
    return Office.objects.get(name="Gao")


@pytest.fixture
def mopti(db):
    return Office.objects.get(name="Mopti")


def _project(**fields) -> Project:
    """An ongoing Trust Fund project of Gao through 2024 (quarterly reports)."""
    from funding.models import Mechanism

    values = {
        "status": Project.Status.ONGOING,
        "mechanism": Mechanism.objects.get(code="tf"),
        "planned_start": datetime.date(2024, 1, 1),
        "planned_end": datetime.date(2024, 12, 31),
        "budget_amount": Decimal("400000.00"),
        **fields,
    }
    return ProjectFactory(**values)


@pytest.fixture
def project(db):
    project = _project(code="TF-2024-GAO-001")
    water = IndicatorFactory(project=project, title="Accès à l'eau", by_sex=True)
    IndicatorTarget.objects.create(
        indicator=water,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
        value=Decimal("500"),
    )
    IndicatorFactory(project=project, title="Salles de classe", unit="salles", target=10)
    return project


def _sheet_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def _download(client, office, period=Q1):
    response = client.get(TEMPLATE, {"office": office.pk, "period": period})
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def _fill(workbook, sheet: str, match: str, values: dict) -> None:
    """Set `values` (by header) in the rows of `sheet` whose text holds `match`."""
    sheet = workbook[sheet]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if any(match in str(cell.value) for cell in row if cell.value is not None):
            for header, value in values.items():
                row[headers.index(header)].value = value


def _bytes(workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _upload(client, office, content: bytes, name="rapports.xlsx"):
    return client.post(
        UPLOAD,
        {"office": office.pk, "period": Q1, "file": SimpleUploadedFile(name, content)},
    )


def _filled(client, office):
    workbook = _download(client, office)
    _fill(
        workbook,
        "Indicators",
        "Accès à l'eau",
        {"Value achieved": 300, "Women and girls": 160, "Of whom girls": 40, "Men and boys": 140},
    )
    _fill(workbook, "Indicators", "Salles de classe", {"Value achieved": 4, "Comment": "Livrées"})
    _fill(
        workbook,
        "Progress reports",
        "TF-2024-GAO-001",
        {"Narrative": "Forages réalisés.", "Completion (%)": 35, "Women reached": 120},
    )
    return _bytes(workbook)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _count() -> tuple[int, int]:
    return IndicatorReport.objects.count(), ProgressReport.objects.count()


# --- The round trip -------------------------------------------------------------------


def test_round_trip_download_fill_upload_and_submit_all(client_for, gao_officer, gao, project):
    client = client_for(gao_officer)
    workbook = _download(client, gao)

    indicators = _sheet_rows(workbook["Indicators"])
    assert [row["Indicator"] for row in indicators] == ["Accès à l'eau", "Salles de classe"]
    assert indicators[0]["Target for the period"] == 500
    assert indicators[0]["Disaggregation"] == "by sex"
    assert indicators[0]["Period start"].date() == datetime.date(2024, 1, 1)
    progress = _sheet_rows(workbook["Progress reports"])
    assert [row["Project"] for row in progress] == ["TF-2024-GAO-001"]
    # The key column is hidden and the sheets protected, answer cells open.
    sheet = workbook["Indicators"]
    assert sheet.column_dimensions["A"].hidden
    assert sheet.protection.sheet
    assert sheet["A2"].protection.locked and not sheet["M2"].protection.locked

    response = _upload(client, gao, _filled(client, gao))

    assert response.status_code == 302
    assert response["Location"] == f"{DRAFTS}?office={gao.pk}&period={Q1}"
    assert "3 draft reports created." in " ".join(_messages(response))
    water = IndicatorReport.objects.get(indicator__title="Accès à l'eau")
    assert (water.value, water.value_women, water.value_girls, water.value_men) == (
        300,
        160,
        40,
        140,
    )
    assert water.review_status == ReviewStatus.DRAFT and water.created_by == gao_officer
    report = ProgressReport.objects.get()
    assert (report.period_start, report.period_end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 3, 31),
    )
    assert (report.percent_complete, report.women_reached, report.site_accessible) == (
        35,
        120,
        True,
    )

    drafts = client.get(DRAFTS, {"office": gao.pk, "period": Q1})
    assert drafts.status_code == 200
    assert len(drafts.context["drafts"]) == 3
    confirm = client.get(SUBMIT, {"office": gao.pk, "period": Q1})
    keys = [key for _report, _label, key in confirm.context["ready"]]
    assert len(keys) == 3

    done = client.post(SUBMIT, {"office": gao.pk, "period": Q1, "report": keys})

    assert done.status_code == 302
    assert "3 reports submitted" in " ".join(_messages(done))
    assert set(IndicatorReport.objects.values_list("review_status", flat=True)) == {"submitted"}
    assert ProgressReport.objects.get().review_status == ReviewStatus.SUBMITTED
    assert ProgressReport.objects.get().submitted_by == gao_officer


def test_workbook_is_read_with_french_headers(client_for, gao_officer, gao, project, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client = client_for(gao_officer)
    workbook = _download(client, gao)
    assert workbook.sheetnames[:2] == ["Indicateurs", "Rapports d'avancement"]
    _fill(workbook, "Indicateurs", "Salles de classe", {"Valeur atteinte": "3,5"})

    response = _upload(client, gao, _bytes(workbook))

    assert response.status_code == 302
    assert IndicatorReport.objects.get().value == Decimal("3.5")


def test_the_same_workbook_uploaded_twice_creates_nothing_twice(
    client_for, gao_officer, gao, project
):
    client = client_for(gao_officer)
    content = _filled(client, gao)
    _upload(client, gao, content)
    assert _count() == (2, 1)

    again = _upload(client, gao, content, name="copie.xlsx")

    assert again.status_code == 302
    assert _count() == (2, 1)
    text = " ".join(_messages(again))
    assert "0 draft reports created." in text
    assert "3 rows had already been imported from this workbook" in text


def test_the_same_workbook_after_submission_still_creates_nothing(
    client_for, gao_officer, gao, project
):
    client = client_for(gao_officer)
    content = _filled(client, gao)
    _upload(client, gao, content)
    for report in [*IndicatorReport.objects.all(), *ProgressReport.objects.all()]:
        review_services.submit(report, by=gao_officer, notify=False)

    again = _upload(client, gao, content)

    assert again.status_code == 302
    assert _count() == (2, 1)


# --- Bad input: every problem listed, nothing written ----------------------------------


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_written(
    client_for, gao_officer, gao, project
):
    client = client_for(gao_officer)
    workbook = _download(client, gao)
    _fill(
        workbook,
        "Indicators",
        "Accès à l'eau",
        {"Value achieved": 300, "Women and girls": 100, "Men and boys": 100},
    )
    _fill(workbook, "Indicators", "Salles de classe", {"Value achieved": "beaucoup", "Under 15": 2})
    _fill(
        workbook,
        "Progress reports",
        "TF-2024-GAO-001",
        {"Narrative": "Texte", "Completion (%)": 150, "Site accessible": "peut-être"},
    )

    response = _upload(client, gao, _bytes(workbook))

    assert response.status_code == 200
    assert _count() == (0, 0)
    problems = {(p.row, p.column): p.message for p in response.context["failed"].problems}
    assert "must add up to the value achieved" in problems[(2, "Indicators › Value achieved")]
    assert "is not a number" in problems[(3, "Indicators › Value achieved")]
    assert "not disaggregated by age" in problems[(3, "Indicators › Under 15")]
    assert "At most 100" in problems[(2, "Progress reports › Completion (%)")]
    assert "yes or no" in problems[(2, "Progress reports › Site accessible")]
    assert "Nothing was imported: 5 problems in 3 rows." in response.text


def test_a_changed_key_is_refused(client_for, gao_officer, gao, project):
    client = client_for(gao_officer)
    workbook = _download(client, gao)
    _fill(workbook, "Indicators", "Salles de classe", {"Value achieved": 4})
    sheet = workbook["Indicators"]
    sheet["A3"].value = sheet["A3"].value.replace("indicator:", "indicator:9", 1)

    response = _upload(client, gao, _bytes(workbook))

    assert response.status_code == 200
    assert _count() == (0, 0)
    assert "its key was changed" in response.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapports.csv", b"a,b\n1,2\n", "as an .xlsx file"),
        ("rapports.xlsx", b"not a zip", "could not be read as an Excel workbook"),
    ],
)
def test_a_file_that_is_not_the_workbook_is_refused(
    client_for, gao_officer, gao, project, name, content, message
):
    response = _upload(client_for(gao_officer), gao, content, name=name)

    assert response.status_code == 200
    assert message in response.text
    assert _count() == (0, 0)


def test_a_workbook_without_the_sheets_is_refused(client_for, gao_officer, gao, project):
    response = _upload(client_for(gao_officer), gao, _bytes(Workbook()))

    assert response.status_code == 200
    assert "has no sheet “Indicators”" in response.text
    assert _count() == (0, 0)


def test_an_empty_workbook_records_nothing(client_for, gao_officer, gao, project):
    client = client_for(gao_officer)

    response = _upload(client, gao, _bytes(_download(client, gao)))

    assert response.status_code == 200
    assert "nothing to record" in response.text
    assert _count() == (0, 0)


def test_upload_without_a_file_says_so(client_for, gao_officer, gao, project):
    response = client_for(gao_officer).post(UPLOAD, {"office": gao.pk, "period": Q1})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert _count() == (0, 0)


# --- Reports already there --------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_a_report_sent_since_the_download_is_refused_by_row(
    client_for, gao_officer, hq_user, gao, project, state
):
    client = client_for(gao_officer)
    content = _filled(client, gao)
    sent = ProgressReportFactory(
        project=project,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
        created_by=gao_officer,
    )
    review_services.submit(sent, by=gao_officer, notify=False)
    if state == "approved":
        review_services.approve(sent, by=hq_user, notify=False)

    response = _upload(client, gao, content)

    assert response.status_code == 200
    assert _count() == (0, 1)
    problems = response.context["failed"].problems
    assert [(p.row, p.column) for p in problems] == [(2, "Progress reports › Report now")]
    assert f"The report of this period is {state}: it can no longer change" in problems[0].message


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_reports_sent_have_no_row_in_the_workbook(
    client_for, gao_officer, hq_user, gao, project, state
):
    sent = IndicatorReportFactory(
        indicator=project.indicators.get(title="Salles de classe"),
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
        created_by=gao_officer,
    )
    review_services.submit(sent, by=gao_officer, notify=False)
    if state == "approved":
        review_services.approve(sent, by=hq_user, notify=False)

    workbook = _download(client_for(gao_officer), gao)

    assert [row["Indicator"] for row in _sheet_rows(workbook["Indicators"])] == ["Accès à l'eau"]


@pytest.mark.parametrize("state", ["draft", "returned"])
def test_a_draft_or_returned_report_comes_filled_and_is_changed(
    client_for, gao_officer, hq_user, gao, project, state
):
    classrooms = project.indicators.get(title="Salles de classe")
    report = IndicatorReportFactory(
        indicator=classrooms,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
        value=Decimal("2"),
        created_by=gao_officer,
    )
    if state == "returned":
        review_services.submit(report, by=gao_officer, notify=False)
        review_services.return_for_changes(report, by=hq_user, comment="Preuve ?", notify=False)
    client = client_for(gao_officer)
    workbook = _download(client, gao)
    row = next(
        r for r in _sheet_rows(workbook["Indicators"]) if r["Indicator"] == "Salles de classe"
    )
    assert row["Value achieved"] == 2 and row["Report now"] == state
    _fill(workbook, "Indicators", "Salles de classe", {"Value achieved": 5})

    response = _upload(client, gao, _bytes(workbook))

    assert response.status_code == 302
    assert "1 draft changed." in " ".join(_messages(response))
    report.refresh_from_db()
    assert report.value == 5 and report.review_status == state
    assert IndicatorReport.objects.count() == 1


def test_a_report_returned_to_another_office_is_refused_to_headquarters(
    client_for, gao_officer, hq_user, gao, project
):
    report = IndicatorReportFactory(
        indicator=project.indicators.get(title="Salles de classe"),
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
        created_by=gao_officer,
    )
    review_services.submit(report, by=gao_officer, notify=False)
    second_reviewer = hq_user.__class__.objects.create(username="hq2", office=hq_user.office)
    second_reviewer.groups.set(hq_user.groups.all())
    review_services.return_for_changes(report, by=second_reviewer, comment="Non.", notify=False)
    client = client_for(hq_user)
    workbook = _download(client, gao)
    _fill(workbook, "Indicators", "Salles de classe", {"Value achieved": 5})

    response = _upload(client, gao, _bytes(workbook))

    assert response.status_code == 200
    assert "returned to the office that submitted it" in response.text
    report.refresh_from_db()
    assert report.value == 800


# --- Who may do what ------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, TEMPLATE, UPLOAD, DRAFTS, SUBMIT])
@pytest.mark.parametrize("person", ["viewer", "fund_manager", "no_role_user"])
def test_read_only_people_are_refused(request, client_for, gao, project, url, person):
    user = request.getfixturevalue(person)
    client = client_for(user)
    query = {"office": gao.pk, "period": Q1}

    assert client.get(url, query).status_code == 403
    if url in (UPLOAD, SUBMIT):
        assert client.post(url, query).status_code == 403
    assert _count() == (0, 0)


@pytest.mark.parametrize("url", [HOME, TEMPLATE, UPLOAD, DRAFTS, SUBMIT])
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [HOME, TEMPLATE, DRAFTS, SUBMIT])
def test_a_regional_officer_cannot_act_for_another_office(client_for, mopti_officer, gao, url):
    assert client_for(mopti_officer).get(url, {"office": gao.pk}).status_code == 403


def test_a_regional_officer_cannot_upload_for_another_office(
    client_for, gao_officer, mopti_officer, gao, project
):
    content = _filled(client_for(gao_officer), gao)

    response = _upload(client_for(mopti_officer), gao, content)

    assert response.status_code == 403
    assert _count() == (0, 0)


def test_rows_of_another_office_are_refused_by_row(
    client_for, gao_officer, mopti_officer, gao, mopti, project
):
    content = _filled(client_for(gao_officer), gao)

    response = _upload(client_for(mopti_officer), mopti, content)

    assert response.status_code == 200
    assert "This project is not in the regions of Mopti." in response.text
    assert _count() == (0, 0)


def test_an_unknown_office_is_not_found(client_for, hq_user):
    assert client_for(hq_user).get(HOME, {"office": "99999"}).status_code == 404
    assert client_for(hq_user).get(HOME, {"office": "abc"}).status_code == 404


def test_a_regional_officer_works_for_their_own_office(client_for, tombouctou_head):
    response = client_for(tombouctou_head).get(HOME)

    assert response.status_code == 200
    assert response.context["office"].name == "Tombouctou"


def test_headquarters_choose_the_office_and_act_for_it(client_for, hq_user, gao, project):
    client = client_for(hq_user)
    home = client.get(HOME)
    assert home.status_code == 200 and home.context["office"] is None
    assert "Gao" in [office.name for office in home.context["offices"]]
    assert "Bamako" not in [office.name for office in home.context["offices"]]

    response = _upload(client, gao, _filled(client, gao))

    assert response.status_code == 302
    assert _count() == (2, 1)
    assert {r.created_by for r in IndicatorReport.objects.all()} == {hq_user}


# --- Submitting all -------------------------------------------------------------------


def test_submit_all_reports_which_could_not_be_submitted_and_why(
    client_for, gao_officer, hq_user, gao, project
):
    classrooms = project.indicators.get(title="Salles de classe")
    draft = ProgressReportFactory(project=project, created_by=gao_officer)
    # Returned to headquarters, who submitted it: the office cannot submit it again.
    returned = IndicatorReportFactory(indicator=classrooms, created_by=hq_user)
    review_services.submit(returned, by=hq_user, notify=False)
    reviewer = hq_user.__class__.objects.create(username="hq2", office=hq_user.office)
    reviewer.groups.set(hq_user.groups.all())
    review_services.return_for_changes(returned, by=reviewer, comment="Non.", notify=False)
    client = client_for(gao_officer)

    confirm = client.get(SUBMIT, {"office": gao.pk, "period": Q1})
    assert [report for report, _label, _key in confirm.context["ready"]] == [draft]

    response = client.post(
        SUBMIT,
        {
            "office": gao.pk,
            "period": Q1,
            "report": [f"progress-{draft.pk}", f"indicator-{returned.pk}"],
        },
    )

    assert response.status_code == 302
    text = " ".join(_messages(response))
    assert "1 report submitted" in text
    assert "Not submitted: TF-2024-GAO-001 — Salles de classe" in text
    assert "returned to the office that submitted it" in text
    draft.refresh_from_db()
    returned.refresh_from_db()
    assert draft.review_status == "submitted" and returned.review_status == "returned"


def test_submit_all_submits_only_what_was_confirmed(client_for, gao_officer, gao, project):
    first = ProgressReportFactory(project=project, created_by=gao_officer)
    later = IndicatorReportFactory(indicator=project.indicators.first(), created_by=gao_officer)

    client_for(gao_officer).post(
        SUBMIT, {"office": gao.pk, "period": Q1, "report": [f"progress-{first.pk}"]}
    )

    first.refresh_from_db()
    later.refresh_from_db()
    assert first.review_status == "submitted" and later.review_status == "draft"


def test_submit_all_with_nothing_chosen_submits_nothing(client_for, gao_officer, gao, project):
    draft = ProgressReportFactory(project=project, created_by=gao_officer)

    response = client_for(gao_officer).post(SUBMIT, {"office": gao.pk, "period": Q1})

    assert response.status_code == 302
    assert "nothing was submitted" in " ".join(_messages(response))
    draft.refresh_from_db()
    assert draft.review_status == "draft"


# --- Queries --------------------------------------------------------------------------


def _more_projects(count: int, created_by) -> None:
    for _number in range(count):
        project = _project()
        for title in ("A", "B"):
            indicator = IndicatorFactory(project=project, title=title)
            IndicatorReportFactory(indicator=indicator, created_by=created_by)
        ProgressReportFactory(project=project, created_by=created_by)


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [HOME, TEMPLATE, DRAFTS, SUBMIT])
def test_pages_cost_the_same_queries_whatever_the_rows(client_for, gao_officer, gao, project, url):
    client = client_for(gao_officer)
    query = {"office": gao.pk, "period": Q1}
    client.get(url, query)  # content types and cached figures read once
    _more_projects(1, gao_officer)
    few = _queries(client, url, query)
    _more_projects(4, gao_officer)

    many = _queries(client, url, query)

    assert many == few
