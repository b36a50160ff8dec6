"""The ledger pages: every mechanism's money on /funding/, one mechanism's
ledger by donor, region, year and project on /funding/<code>/, the project
ledger as CSV and XLSX."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings

from funding.models import Mechanism
from regions.models import Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\xa0"


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def tf():
    """The Trust Fund with: a contribution of 1,234,567.89 USD earmarked for
    Gao, 1,000,000.00 received; a project in Gao (USD) approved 400,000.00,
    sent 300,000.00, spent 150,000.00; a project in Mopti (XOF) approved
    6,000,000 XOF = 10,000.00 USD, sent 3,000,000 XOF = 5,000.00 USD, nothing
    spent. Transferred 305,000.00, spent 150,000.00: delivery 49.18 %;
    available 1,000,000.00 − 410,000.00 = 590,000.00."""
    tf = Mechanism.objects.get(code="tf")
    gao = Region.objects.get(code="ML-7")
    contribution = ContributionFactory(
        donor=OrganisationFactory(name="Royaume de Suède"),
        mechanism=tf,
        amount=D("1234567.89"),
        earmark_region=gao,
        pledged_on=datetime.date(2024, 1, 15),
    )
    DepositFactory(contribution=contribution, amount=D("1000000.00"))
    in_gao = ProjectFactory(code="TF-2024-GAO-001", mechanism=tf, region=gao)
    FundingApprovalFactory(project=in_gao, contribution=contribution, amount=D("400000.00"))
    TrancheFactory(project=in_gao, amount=D("300000.00"))
    ExpenditureFactory(project=in_gao, amount=D("150000.00"))
    in_mopti = ProjectFactory(
        code="TF-2024-MOP-001",
        mechanism=tf,
        region=Region.objects.get(code="ML-5"),
        budget_currency="XOF",
    )
    FundingApprovalFactory(
        project=in_mopti,
        contribution=contribution,
        amount=D("6000000.00"),
        currency="XOF",
        amount_usd=D("10000.00"),
    )
    TrancheFactory(
        project=in_mopti, amount=D("3000000.00"), currency="XOF", amount_usd=D("5000.00")
    )
    return tf


# --- /funding/ -------------------------------------------------------------------------


def test_funding_page_shows_each_mechanisms_figures_in_french_by_default(client_for, viewer, tf):
    response = client_for(viewer).get("/funding/")

    figures = {m.code: m.figures for m in response.context["mechanisms"]}
    assert figures["tf"].pledged == D("1234567.89")
    assert figures["tf"].available == D("590000.00")
    assert figures["pbf"].received == D("0")
    page = response.text
    # Whole dollars (the table's caption names the currency), rounded half up.
    assert f'<td class="num nowrap">1{NBSP}234{NBSP}568</td>' in page  # pledged
    assert f"590{NBSP}000</td>" in page  # available
    assert f"305{NBSP}000</td>" in page  # transferred
    assert f"49,2{NBSP}%" in page  # delivery rate


def test_funding_page_in_english_with_a_total_row(client_for, viewer, tf):
    FundingApprovalFactory(project=ProjectFactory(), amount=D("20000.00"))  # a QIP

    response = _english(client_for(viewer)).get("/funding/")

    assert response.context["total"].approved == D("430000.00")
    page = response.text
    assert "1,234,568</td>" in page
    assert "590,000</td>" in page
    assert f"49.2{NBSP}%" in page
    tfoot = page[page.index("<tfoot>") : page.index("</tfoot>")]
    assert "Total" in tfoot
    assert "430,000</td>" in tfoot  # 410,000 (TF) + 20,000 (QIP)
    assert "570,000</td>" in tfoot  # available: 1,000,000 − 430,000


def test_funding_page_explains_the_figures_and_keeps_the_rules(client_for, viewer, tf):
    page = _english(client_for(viewer)).get("/funding/").text

    # The figures' definitions are on the glossary, one link away.
    assert "totals are computed from the unrounded amounts" in page
    assert '<a href="/glossary/">What the figures mean</a>' in page
    assert '<a class="term" href="/glossary/#available"' in page
    assert "Rules of the mechanisms" in page
    assert "IRF, PRF" in page  # the PBF's windows


def test_funding_page_without_money_says_so(client_for, viewer):
    response = _english(client_for(viewer)).get("/funding/")

    assert "No money has been recorded for any mechanism yet." in response.text
    assert "<tfoot>" not in response.text
    assert "Rules of the mechanisms" in response.text


def test_funding_page_links_to_contributions_and_rates(client_for, viewer):
    page = client_for(viewer).get("/funding/").text

    assert 'href="/funding/contributions/"' in page
    assert 'href="/funding/rates/"' in page


@pytest.mark.parametrize("fixture", ["fund_manager", "admin_user"])
def test_money_recorders_see_the_record_button(request, client_for, fixture):
    page = client_for(request.getfixturevalue(fixture)).get("/funding/").text

    assert 'href="/funding/contributions/new/"' in page


@pytest.mark.parametrize("fixture", ["hq_user", "gao_officer", "viewer"])
def test_others_do_not_see_the_record_button(request, client_for, fixture):
    page = client_for(request.getfixturevalue(fixture)).get("/funding/").text

    assert 'href="/funding/contributions/new/"' not in page


# --- /funding/<code>/ ------------------------------------------------------------------


def test_mechanism_page_shows_its_figures_in_french(client_for, viewer, tf):
    response = client_for(viewer).get("/funding/tf/")

    assert response.context["mechanism"].figures.spent == D("150000.00")
    page = response.text
    assert f"1{NBSP}234{NBSP}567,89{NBSP}USD" in page
    assert f"590{NBSP}000,00{NBSP}USD" in page
    assert f"49,2{NBSP}%" in page
    assert f"6{NBSP}000{NBSP}000,00{NBSP}XOF" in page  # the Mopti project's own currency


def test_mechanism_page_shows_its_ledger_by_donor_region_and_year(client_for, viewer, tf):
    response = _english(client_for(viewer)).get("/funding/tf/")

    donor_ledger = response.context["donor_ledger"]
    donors = [(d.name, d.figures.approved, d.figures.available) for d in donor_ledger.donors]
    assert donors == [("Royaume de Suède", D("410000.00"), D("590000.00"))]
    assert donor_ledger.not_charged is None  # the Trust Fund charges every approval
    regions = {r.code: r.figures for r in response.context["regions"]}
    assert list(regions) == ["ML-5", "ML-7"]
    assert (regions["ML-7"].pledged, regions["ML-7"].spent) == (D("1234567.89"), D("150000"))
    assert (regions["ML-5"].approved, regions["ML-5"].transferred) == (D("10000"), D("5000"))
    assert [figures.year for figures in response.context["years"]] == [2024]
    page = response.text
    assert "Royaume de Suède" in page
    assert '<a href="/regions/ML-7/">Gao</a>' in page
    assert '<th scope="row">2024</th>' in page  # no thousands separator in a year
    assert f"1,234,567.89{NBSP}USD" in page


def test_mechanism_page_lists_the_projects_in_dollars_and_their_currency(client_for, viewer, tf):
    response = _english(client_for(viewer)).get("/funding/tf/")

    rows = {p.code: p for p in response.context["projects"]}
    assert list(rows) == ["TF-2024-GAO-001", "TF-2024-MOP-001"]
    assert rows["TF-2024-GAO-001"].delivery_rate == D("50")
    assert rows["TF-2024-MOP-001"].delivery_rate == D("0")
    page = response.text
    gao = rows["TF-2024-GAO-001"]
    assert f'href="/projects/{gao.pk}/"' in page
    # Whole dollars (the caption names the currency), and the project's own
    # currency to the cent below them when it is not the dollar.
    assert '<td class="num nowrap">400,000</td>' in page and f"50.0{NBSP}%" in page
    assert "10,000<br>" in page and f"6,000,000.00{NBSP}XOF" in page
    assert f"3,000,000.00{NBSP}XOF" in page and f"0.00{NBSP}XOF" in page
    # The dollar project's amounts are not repeated in a second currency.
    assert "400,000<br>" not in page
    assert 'href="/funding/tf/projects.csv"' in page
    assert 'href="/funding/tf/projects.xlsx"' in page


def test_mechanism_page_lists_the_latest_ten_contributions(client_for, viewer, tf):
    for day in range(1, 13):
        ContributionFactory(mechanism=tf, pledged_on=datetime.date(2023, 5, day))
    ContributionFactory(donor=OrganisationFactory(name="Fonds du PBF"), mechanism=_pbf())

    response = _english(client_for(viewer)).get("/funding/tf/")

    contributions = list(response.context["contributions"])
    assert len(contributions) == 10
    assert contributions[0].pledged_on == datetime.date(2024, 1, 15)
    assert contributions[-1].pledged_on == datetime.date(2023, 5, 4)
    page = response.text
    assert f'href="/funding/contributions/{contributions[0].pk}/"' in page
    assert 'href="/funding/contributions/?mechanism=tf"' in page
    assert "Fonds du PBF" not in page


def _pbf() -> Mechanism:
    return Mechanism.objects.get(code="pbf")


def test_mechanism_page_without_money_shows_every_empty_state(client_for, viewer, tf):
    page = _english(client_for(viewer)).get("/funding/pbf/").text

    for message in (
        "No money has been recorded for this mechanism yet.",
        "No donor has contributed to this mechanism yet.",
        "The mechanism has no money in any region yet.",
        "No money has been recorded in any year yet.",
        "No contribution to this mechanism has been recorded yet.",
        "No project is financed by this mechanism yet.",
    ):
        assert message in page
    assert "projects.csv" not in page
    # The rules are still there.
    assert "Tranche schedule" in page and "Windows" in page


def test_mechanism_page_paginates_its_projects_by_25(client_for, viewer):
    tf = Mechanism.objects.get(code="tf")
    for i in range(30):
        ProjectFactory(code=f"TF-2024-GAO-{i:03d}", mechanism=tf)
    client = _english(client_for(viewer))

    first = client.get("/funding/tf/")
    second = client.get("/funding/tf/?page=2")

    assert [p.code for p in first.context["projects"]][:2] == ["TF-2024-GAO-000", "TF-2024-GAO-001"]
    assert len(first.context["projects"]) == 25
    assert "Page 1 of 2" in first.text and 'href="?page=2"' in first.text
    assert [p.code for p in second.context["projects"]] == [
        f"TF-2024-GAO-{i:03d}" for i in range(25, 30)
    ]
    # A page out of range shows the last one.
    assert len(client.get("/funding/tf/?page=9").context["projects"]) == 5


def test_ledger_pages_require_sign_in(client, tf):
    urls = ("/funding/", "/funding/tf/", "/funding/tf/projects.csv", "/funding/tf/projects.xlsx")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


# --- Query counts ----------------------------------------------------------------------


def _more_money(n: int) -> None:
    """n more donors' contributions to the Trust Fund, earmarked across the
    regions and years, each with a deposit, and n more projects with an
    approval, two tranches and two expenditures."""
    tf = Mechanism.objects.get(code="tf")
    regions = list(Region.objects.all())
    for i in range(n):
        region = regions[i % len(regions)]
        year = 2020 + i % 5
        contribution = ContributionFactory(
            mechanism=tf, earmark_region=region, pledged_on=datetime.date(year, 3, 1)
        )
        DepositFactory(contribution=contribution, received_on=datetime.date(year, 4, 1))
        project = ProjectFactory(mechanism=tf, region=region)
        FundingApprovalFactory(project=project, approved_on=datetime.date(year, 5, 1))
        TrancheFactory.create_batch(2, project=project, paid_on=datetime.date(year, 6, 1))
        ExpenditureFactory.create_batch(2, project=project, spent_on=datetime.date(year, 7, 1))


@pytest.mark.parametrize("extra", [0, 30])
def test_funding_page_query_count_does_not_grow(
    client_for, viewer, django_assert_num_queries, tf, extra
):
    client = client_for(viewer)
    _more_money(extra)
    # The mechanisms, their windows, their five figures (six grouped queries:
    # pledges, increases, deposits, approvals, tranches, expenditure).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 8):
        assert client.get("/funding/").status_code == 200


@pytest.mark.parametrize("extra", [0, 30])
def test_mechanism_page_query_count_does_not_grow(
    client_for, viewer, django_assert_num_queries, tf, extra
):
    client = client_for(viewer)
    _more_money(extra)
    # The mechanism, its windows, its tranche steps; the figures, its donors;
    # its regions and their years (six grouped queries each but the donors:
    # pledges,
    # increases, deposits, approvals, tranches, expenditure), the regions
    # themselves; its ten latest contributions; its projects counted, then
    # their page; the changes to its rules (three: the history of the
    # mechanism, of its windows and of its tranche steps, with who made them);
    # its funding for gender equality; its map by region: its projects by
    # region, the regions (2).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 30 + 2):
        response = client.get("/funding/tf/")
    assert len(response.context["projects"]) == min(2 + extra, 25)


# --- Exports ---------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    delimiter = ";" if response.wsgi_request.LANGUAGE_CODE == "fr" else ","
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_project_ledger_csv_lists_the_mechanisms_projects(client_for, viewer, tf):
    ProjectFactory(code="QIP-2024-GAO-777")

    response = _english(client_for(viewer)).get("/funding/tf/projects.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    codes = [row[0] for row in rows[1:]]
    assert sorted(codes) == ["TF-2024-GAO-001", "TF-2024-MOP-001"]


def test_project_ledger_xlsx_lists_the_mechanisms_projects(client_for, viewer, tf):
    response = _english(client_for(viewer)).get("/funding/tf/projects.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # The projects, then the totals of the US dollar columns.
    assert sorted(codes[:-1]) == ["TF-2024-GAO-001", "TF-2024-MOP-001"]
    assert codes[-1] == "Total"


def test_project_ledger_export_of_an_unknown_mechanism_is_404(client_for, viewer):
    assert client_for(viewer).get("/funding/xyz/projects.csv").status_code == 404
