"""The printable reports: a mechanism's, a contribution's and a donor's.

The fixture, in the Trust Fund (amounts in US dollars unless said):

    donor A  contribution A1: pledge 500,000, earmarked for Gao, 300,000 received
             contribution A2: pledge XOF 60,000,000 (100,000 at 600 XOF a dollar),
                              XOF 30,000,000 received (50,000)
    donor B  contribution B1: pledge 200,000, all received

    water    Gao, USD: 60,000 approved from A1 and 40,000 from B1 (A's share
             60 %), 80,000 transferred, 50,000 spent; two indicators
    school   Mopti, XOF: XOF 12,000,000 approved from A2 (20,000), XOF 6,000,000
             transferred (10,000), XOF 3,000,000 spent (5,000)
    clinic   Gao, USD: 30,000 approved from B1
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Mechanism
from projects.models import Project
from regions.models import Region
from reviews.models import ReviewStatus
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    IndicatorFactory,
    IndicatorReportFactory,
    OrganisationFactory,
    ProjectFactory,
    TrancheFactory,
)

SIGNED_IN_ROLES = [
    "hq_user",
    "fund_manager",
    "gao_officer",
    "mopti_officer",
    "tombouctou_head",
    "viewer",
    "admin_user",
]


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def _usd(value: str) -> dict:
    return {"amount": Decimal(value), "currency": "USD", "amount_usd": Decimal(value)}


def _xof(value: str, usd: str) -> dict:
    return {"amount": Decimal(value), "currency": "XOF", "amount_usd": Decimal(usd)}


def _project(code: str, title: str, region: str, **fields) -> Project:
    return ProjectFactory(
        code=code,
        title=title,
        region=Region.objects.get(code=region),
        mechanism=Mechanism.objects.get(code="tf"),
        implementing_partner__name=f"Partenaire {title}",
        **fields,
    )


@pytest.fixture
def money(db):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 1, 1))
    tf = Mechanism.objects.get(code="tf")
    gao = Region.objects.get(code="ML-7")
    donor_a = OrganisationFactory(name="Royaume des Pays-Bas", acronym="NL")
    donor_b = OrganisationFactory(name="Royaume de Suède", acronym="SE")
    a1 = ContributionFactory(
        donor=donor_a, mechanism=tf, earmark_region=gao, reference="NL-2024-1", **_usd("500000")
    )
    a2 = ContributionFactory(donor=donor_a, mechanism=tf, **_xof("60000000", "100000"))
    b1 = ContributionFactory(donor=donor_b, mechanism=tf, **_usd("200000"))
    DepositFactory(contribution=a1, **_usd("300000"))
    DepositFactory(contribution=a2, **_xof("30000000", "50000"))
    DepositFactory(contribution=b1, **_usd("200000"))

    water = _project("TF-2024-GAO-001", "Adduction d'eau de Gao", "ML-7", status="ongoing")
    FundingApprovalFactory(project=water, contribution=a1, **_usd("60000"))
    FundingApprovalFactory(project=water, contribution=b1, **_usd("40000"))
    TrancheFactory(project=water, **_usd("80000"))
    ExpenditureFactory(project=water, **_usd("50000"))
    reached = IndicatorFactory(
        project=water, title="Personnes ayant accès à l'eau", unit="personnes", target=2000
    )
    IndicatorReportFactory(
        indicator=reached,
        period_end=datetime.date(2024, 3, 31),
        value=Decimal("800"),
        review_status=ReviewStatus.APPROVED,
    )
    # Later, but awaiting review: not a result yet.
    IndicatorReportFactory(
        indicator=reached,
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 6, 30),
        value=Decimal("1500"),
        review_status=ReviewStatus.SUBMITTED,
    )
    IndicatorFactory(project=water, title="Comités de gestion formés", unit="comités", target=4)

    school = _project(
        "TF-2024-MOP-001",
        "Réhabilitation de l'école de Sévaré",
        "ML-5",
        budget_currency="XOF",
        budget_amount=Decimal("12000000"),
    )
    FundingApprovalFactory(project=school, contribution=a2, **_xof("12000000", "20000"))
    TrancheFactory(project=school, **_xof("6000000", "10000"))
    ExpenditureFactory(project=school, **_xof("3000000", "5000"))

    clinic = _project("TF-2024-GAO-002", "Centre de santé d'Ansongo", "ML-7")
    FundingApprovalFactory(project=clinic, contribution=b1, **_usd("30000"))
    return {
        "tf": tf,
        "donor_a": donor_a,
        "donor_b": donor_b,
        "a1": a1,
        "a2": a2,
        "b1": b1,
        "water": water,
        "school": school,
        "clinic": clinic,
    }


# --- The mechanism report ----------------------------------------------------------------


def test_mechanism_report_shows_the_hand_computed_figures(client_for, viewer, money):
    response = _english(client_for(viewer)).get("/funding/tf/report/")

    assert response.status_code == 200
    figures = response.context["mechanism"].figures
    assert figures.pledged == Decimal("800000")  # 500,000 + 100,000 + 200,000
    assert figures.received == Decimal("550000")  # 300,000 + 50,000 + 200,000
    assert figures.approved == Decimal("150000")  # 60,000 + 40,000 + 20,000 + 30,000
    assert figures.transferred == Decimal("90000")
    assert figures.spent == Decimal("55000")
    assert figures.available == Decimal("400000")
    text = response.text
    assert "800,000.00\xa0USD" in text
    assert "400,000.00\xa0USD" in text
    assert "61.1\xa0%" in text  # 55,000 ÷ 90,000


def test_mechanism_report_ledgers_by_donor_and_region(client_for, viewer, money):
    response = client_for(viewer).get("/funding/tf/report/")

    donors = {
        donor.acronym: (
            donor.figures.pledged,
            donor.figures.received,
            donor.figures.approved,
            donor.figures.available,
        )
        for donor in response.context["donor_ledger"].donors
    }
    assert donors == {
        "NL": (Decimal("600000"), Decimal("350000"), Decimal("80000"), Decimal("270000")),
        "SE": (Decimal("200000"), Decimal("200000"), Decimal("70000"), Decimal("130000")),
    }
    regions = {
        region.code: (region.figures.pledged, region.figures.approved, region.figures.spent)
        for region in response.context["regions"]
    }
    # Only A1 is earmarked (for Gao); approvals and spending follow the projects.
    assert regions == {
        "ML-5": (Decimal("0"), Decimal("20000"), Decimal("5000")),
        "ML-7": (Decimal("500000"), Decimal("130000"), Decimal("50000")),
    }


def test_mechanism_report_lists_every_project_with_its_money(client_for, viewer, money):
    response = _english(client_for(viewer)).get("/funding/tf/report/")

    rows = {
        project.code: (project.approved, project.transferred, project.spent, project.delivery_rate)
        for project in response.context["projects"]
    }
    assert rows == {
        "TF-2024-GAO-001": (Decimal("100000"), Decimal("80000"), Decimal("50000"), Decimal("62.5")),
        "TF-2024-MOP-001": (Decimal("20000"), Decimal("10000"), Decimal("5000"), Decimal("50")),
        "TF-2024-GAO-002": (Decimal("30000"), Decimal("0"), Decimal("0"), None),
    }
    text = response.text
    assert "12,000,000.00\xa0XOF" in text  # the school's approval in its currency
    assert "Partenaire Adduction d&#x27;eau de Gao" in text
    assert "ongoing" in text
    assert "Gao" in text and "Mopti" in text
    assert money["tf"].approving_body_en in text  # the rules in force, in English


def test_mechanism_report_lists_all_projects_without_pages(client_for, viewer, db):
    qip = Mechanism.objects.get(code="qip")
    for i in range(30):  # more than a page of the mechanism's page (25)
        ProjectFactory(code=f"QIP-2024-GAO-{i:03d}", mechanism=qip)

    response = client_for(viewer).get("/funding/qip/report/", {"page": 2})

    assert len(response.context["projects"]) == 30
    assert response.text.count("QIP-2024-GAO-0") == 30
    assert "page_obj" not in response.context


def test_mechanism_report_without_money_says_so(client_for, viewer, db):
    response = _english(client_for(viewer)).get("/funding/pbf/report/")

    assert response.status_code == 200
    assert "No money has been recorded for this mechanism yet." in response.text
    assert "No project is financed by this mechanism yet." in response.text
    # The rules in force, with the windows.
    assert "Rules in force" in response.text
    assert "7&nbsp;%" in response.text  # indirect cost rate


def test_mechanism_report_prints_projects_on_a_new_page(client_for, viewer, money):
    response = client_for(viewer).get("/funding/tf/report/")

    assert 'class="report__page-break"' in response.text
    assert "/static/css/print.css" in response.text
    assert 'media="print"' in response.text
    assert "data-print" in response.text


def test_unknown_mechanism_report_is_404(client_for, viewer):
    assert client_for(viewer).get("/funding/xyz/report/").status_code == 404


def test_mechanism_page_links_to_its_report(client_for, viewer, db):
    response = client_for(viewer).get("/funding/tf/")

    assert reverse("funding:mechanism_report", args=["tf"]) in response.text


@pytest.mark.parametrize("extra", [0, 6])
def test_mechanism_report_query_count_does_not_grow(
    client_for, viewer, money, django_assert_num_queries, extra
):
    tf = money["tf"]
    for i in range(extra):
        contribution = ContributionFactory(mechanism=tf, donor=OrganisationFactory())
        DepositFactory(contribution=contribution)
        project = _project(f"TF-2024-GAO-1{i:02d}", f"Projet {i}", "ML-9")
        FundingApprovalFactory(project=project, contribution=contribution)
        TrancheFactory(project=project)
        ExpenditureFactory(project=project)
    client = client_for(viewer)
    # The mechanism, its windows, its tranche steps; the figures and its
    # regions (six grouped queries each: pledges, increases, deposits,
    # approvals, tranches, expenditure; then the regions themselves); its
    # donors; all its projects with their region and partner.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 18):
        response = client.get("/funding/tf/report/")
    assert len(response.context["projects"]) == 3 + extra


# --- The contribution report -------------------------------------------------------------


def test_contribution_report_shows_its_money_and_projects(client_for, viewer, money):
    a1 = money["a1"]
    response = _english(client_for(viewer)).get(f"/funding/contributions/{a1.pk}/report/")

    assert response.status_code == 200
    contribution = response.context["contribution"]
    assert contribution.received_usd == Decimal("300000")
    assert contribution.approved_usd == Decimal("60000")
    assert contribution.available_usd == Decimal("240000")
    (water,) = response.context["projects"]
    assert water.code == "TF-2024-GAO-001"
    assert water.charged == Decimal("60000")
    assert water.approved == Decimal("100000")
    assert water.share == Decimal("60")  # 60,000 of the project's 100,000
    text = response.text
    assert "Contribution of Royaume des Pays-Bas to the TF (2024)" in text
    assert "500,000.00\xa0USD" in text
    assert "240,000.00\xa0USD" in text
    assert "60.0\xa0%" in text
    assert "80,000.00\xa0USD" in text  # the project's transfers
    assert "NL-2024-1" in text
    # Donor B's other project is not this contribution's.
    assert "TF-2024-GAO-002" not in text


def test_contribution_report_shows_an_xof_pledge_with_its_usd_equivalent(client_for, viewer, money):
    a2 = money["a2"]
    response = _english(client_for(viewer)).get(f"/funding/contributions/{a2.pk}/report/")

    text = response.text
    assert "60,000,000.00\xa0XOF" in text
    assert "100,000.00\xa0USD" in text
    assert "30,000,000.00\xa0XOF" in text  # received
    assert "50,000.00\xa0USD" in text
    (school,) = response.context["projects"]
    assert (school.charged, school.share) == (Decimal("20000"), Decimal("100"))
    assert "12,000,000.00\xa0XOF" in text
    assert "6,000,000.00\xa0XOF" in text  # transferred, in the project's currency


def test_report_shows_only_the_latest_approved_indicator_value(client_for, viewer, money):
    response = _english(client_for(viewer)).get(f"/funding/contributions/{money['a1'].pk}/report/")

    (water,) = response.context["projects"]
    achieved = {i.title: (i.achieved, i.achieved_on) for i in water.indicators.all()}
    assert achieved == {
        "Personnes ayant accès à l'eau": (Decimal("800"), datetime.date(2024, 3, 31)),
        "Comités de gestion formés": (None, None),
    }
    text = response.text
    assert "Personnes ayant accès à l&#x27;eau" in text
    assert "2,000" in text  # target
    assert ">800<" in text
    assert "1,500" not in text  # submitted, not approved
    assert "no approved report yet" in text


def test_contribution_report_without_approvals_says_so(client_for, viewer, db):
    contribution = ContributionFactory()

    response = _english(client_for(viewer)).get(f"/funding/contributions/{contribution.pk}/report/")

    assert response.status_code == 200
    assert "No project was funded by this contribution yet." in response.text
    assert response.context["projects"] == []


def test_contribution_report_in_french_by_default(client_for, viewer, money):
    response = client_for(viewer).get(f"/funding/contributions/{money['a1'].pk}/report/")

    assert response.status_code == 200
    assert "500\xa0000,00\xa0USD" in response.text
    assert "60,0\xa0%" in response.text
    assert 'lang="fr"' in response.text


def test_unknown_contribution_report_is_404(client_for, viewer, db):
    assert client_for(viewer).get("/funding/contributions/999999/report/").status_code == 404


def test_contribution_page_links_to_its_report(client_for, viewer, money):
    a1 = money["a1"]
    response = client_for(viewer).get(a1.get_absolute_url())

    assert reverse("funding:contribution_report", args=[a1.pk]) in response.text


@pytest.mark.parametrize("n", [1, 5])
def test_contribution_report_query_count_does_not_grow(
    client_for, viewer, django_assert_num_queries, n
):
    contribution = ContributionFactory()
    DepositFactory(contribution=contribution)
    for i in range(n):
        project = _project(f"TF-2024-GAO-2{i:02d}", f"Projet {i}", "ML-7")
        FundingApprovalFactory(project=project, contribution=contribution)
        TrancheFactory(project=project)
        for _j in range(n):
            indicator = IndicatorFactory(project=project)
            IndicatorReportFactory(indicator=indicator, review_status=ReviewStatus.APPROVED)
    client = client_for(viewer)
    # The contribution with donor, mechanism, earmark and figures; the
    # approvals charged to it with their projects; the projects with region,
    # partner and figures; their indicators with the latest approved value.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4):
        response = client.get(f"/funding/contributions/{contribution.pk}/report/")
    assert len(response.context["projects"]) == n


# --- The donor report --------------------------------------------------------------------


def test_donor_report_covers_every_contribution_of_the_donor(client_for, viewer, money):
    donor = money["donor_a"]
    response = _english(client_for(viewer)).get(f"/funding/donors/{donor.pk}/report/")

    assert response.status_code == 200
    assert [c.pk for c in response.context["contributions"]] == [money["a1"].pk, money["a2"].pk]
    assert response.context["totals"] == {
        "pledged": Decimal("600000"),
        "received": Decimal("350000"),
        "approved": Decimal("80000"),
        "available": Decimal("270000"),
    }
    projects = [(p.code, p.charged, p.approved, p.share) for p in response.context["projects"]]
    assert projects == [
        ("TF-2024-GAO-001", Decimal("60000"), Decimal("100000"), Decimal("60")),
        ("TF-2024-MOP-001", Decimal("20000"), Decimal("20000"), Decimal("100")),
    ]
    text = response.text
    assert "Contributions of Royaume des Pays-Bas and what they funded" in text
    assert "600,000.00\xa0USD" in text
    assert "270,000.00\xa0USD" in text
    assert "TF-2024-GAO-002" not in text  # donor B's alone
    assert len(response.context["approvals"]) == 2


def test_donor_report_of_the_other_donor_shows_its_own_share(client_for, viewer, money):
    donor = money["donor_b"]
    response = _english(client_for(viewer)).get(f"/funding/donors/{donor.pk}/report/")

    shares = {p.code: (p.charged, p.share) for p in response.context["projects"]}
    assert shares == {
        "TF-2024-GAO-001": (Decimal("40000"), Decimal("40")),
        "TF-2024-GAO-002": (Decimal("30000"), Decimal("100")),
    }
    assert "40.0\xa0%" in response.text


def test_donor_report_without_approvals_says_so(client_for, viewer, db):
    contribution = ContributionFactory()

    response = _english(client_for(viewer)).get(f"/funding/donors/{contribution.donor_id}/report/")

    assert response.status_code == 200
    assert "No project was funded by this donor's contributions yet." in response.text


def test_donor_report_of_an_organisation_without_contribution_is_404(client_for, viewer, db):
    organisation = OrganisationFactory()

    assert client_for(viewer).get(f"/funding/donors/{organisation.pk}/report/").status_code == 404
    assert client_for(viewer).get("/funding/donors/999999/report/").status_code == 404


def test_organisation_page_links_to_its_donor_report(client_for, viewer, money):
    donor = money["donor_a"]
    response = client_for(viewer).get(donor.get_absolute_url())

    assert reverse("funding:donor_report", args=[donor.pk]) in response.text


def test_organisation_page_without_contribution_has_no_donor_report(client_for, viewer, db):
    organisation = OrganisationFactory()
    response = client_for(viewer).get(organisation.get_absolute_url())

    assert reverse("funding:donor_report", args=[organisation.pk]) not in response.text


def test_donor_report_in_french_by_default(client_for, viewer, money):
    response = client_for(viewer).get(f"/funding/donors/{money['donor_a'].pk}/report/")

    assert "600\xa0000,00\xa0USD" in response.text
    assert "60\xa0000\xa0000,00\xa0XOF" in response.text


@pytest.mark.parametrize("n", [1, 4])
def test_donor_report_query_count_does_not_grow(client_for, viewer, django_assert_num_queries, n):
    donor = OrganisationFactory()
    for i in range(n):
        contribution = ContributionFactory(donor=donor)
        DepositFactory(contribution=contribution)
        for j in range(n):
            project = _project(f"TF-2024-GAO-{i}{j:02d}", f"Projet {i}-{j}", "ML-7")
            FundingApprovalFactory(project=project, contribution=contribution)
            ExpenditureFactory(project=project)
            IndicatorReportFactory(
                indicator=IndicatorFactory(project=project),
                review_status=ReviewStatus.APPROVED,
            )
    client = client_for(viewer)
    # The donor's contributions with the donor, mechanism, earmark and
    # figures; their totals; the approvals charged to them with their
    # projects and contributions; the projects with region, partner and
    # figures; their indicators with the latest approved value.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 5):
        response = client.get(f"/funding/donors/{donor.pk}/report/")
    assert len(response.context["projects"]) == n * n


# --- Who reads ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_every_signed_in_role_reads_the_reports(client_for, request, role, money):
    client = client_for(request.getfixturevalue(role))

    for url in [
        "/funding/tf/report/",
        f"/funding/contributions/{money['a1'].pk}/report/",
        f"/funding/donors/{money['donor_a'].pk}/report/",
    ]:
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_sign_in(client, money):
    for url in [
        "/funding/tf/report/",
        f"/funding/contributions/{money['a1'].pk}/report/",
        f"/funding/donors/{money['donor_a'].pk}/report/",
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login")), url
        assert "next=" in response.url


def test_reports_are_read_only(client_for, fund_manager, money):
    client = client_for(fund_manager)

    assert client.post("/funding/tf/report/").status_code == 405
    assert client.post(f"/funding/donors/{money['donor_a'].pk}/report/").status_code == 405
