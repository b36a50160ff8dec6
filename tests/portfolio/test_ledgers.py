"""Every figure of the ledgers against values computed by hand.

The Trust Fund of the fixture (all amounts in USD unless said; XOF amounts
carry their own dollar equivalent, as recorded at the rate of their date):

    contributions  A: 300,000.00, 2023-06-10, earmarked for Gao (ML-7)
                   B: 120,000,000 XOF = 196,721.31, 2024-01-15, not earmarked
    deposits       A:  200,000.00 on 2023-09-01
                   A:   50,000.00 on 2024-03-01, increase of the pledge
                   B:  60,000,000 XOF = 98,360.66 on 2024-02-01
    approvals      Gao project (USD):   150,000.00 on 2023-10-01 (charged to A)
                                          20,000.00 on 2024-04-01 (charged to A)
                   Mopti project (XOF): 30,000,000 XOF = 49,180.33 on 2024-02-20 (B)
    tranches       Gao:   120,000.00 on 2023-11-01, 40,000.00 on 2024-05-01
                   Mopti: 15,000,000 XOF = 24,590.16 on 2024-03-10
    expenditure    Gao:    90,000.00 on 2023-12-15, 35,500.50 on 2024-06-01
                   Mopti:  6,000,000 XOF = 9,836.07 on 2024-04-15

and a QIP in Gao: approved 10,000.00, transferred 8,000.00, spent 5,000.00
(which must not leak into the Trust Fund's figures). The PBF has no money.
"""

import datetime
from decimal import Decimal

import pytest

from funding.models import Mechanism
from portfolio import ledgers
from regions.models import Region
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


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def money():
    tf = Mechanism.objects.get(code="tf")
    gao, mopti = Region.objects.get(code="ML-7"), Region.objects.get(code="ML-5")
    donor_a = OrganisationFactory(name="Royaume des Pays-Bas")
    donor_b = OrganisationFactory(name="Union européenne")
    a = ContributionFactory(
        donor=donor_a,
        mechanism=tf,
        amount=D("300000.00"),
        pledged_on=_date("2023-06-10"),
        earmark_region=gao,
    )
    b = ContributionFactory(
        donor=donor_b,
        mechanism=tf,
        amount=D("120000000.00"),
        currency="XOF",
        amount_usd=D("196721.31"),
        pledged_on=_date("2024-01-15"),
    )
    DepositFactory(contribution=a, amount=D("200000.00"), received_on=_date("2023-09-01"))
    DepositFactory(
        contribution=a, amount=D("50000.00"), received_on=_date("2024-03-01"), is_increase=True
    )
    DepositFactory(
        contribution=b,
        amount=D("60000000.00"),
        amount_usd=D("98360.66"),
        received_on=_date("2024-02-01"),
    )

    in_gao = ProjectFactory(code="TF-2023-GAO-001", mechanism=tf, region=gao)
    in_mopti = ProjectFactory(
        code="TF-2024-MOP-001", mechanism=tf, region=mopti, budget_currency="XOF"
    )
    FundingApprovalFactory(
        project=in_gao, contribution=a, amount=D("150000.00"), approved_on=_date("2023-10-01")
    )
    FundingApprovalFactory(
        project=in_gao, contribution=a, amount=D("20000.00"), approved_on=_date("2024-04-01")
    )
    FundingApprovalFactory(
        project=in_mopti,
        contribution=b,
        amount=D("30000000.00"),
        currency="XOF",
        amount_usd=D("49180.33"),
        approved_on=_date("2024-02-20"),
    )
    TrancheFactory(project=in_gao, amount=D("120000.00"), paid_on=_date("2023-11-01"))
    TrancheFactory(project=in_gao, amount=D("40000.00"), paid_on=_date("2024-05-01"))
    TrancheFactory(
        project=in_mopti,
        amount=D("15000000.00"),
        currency="XOF",
        amount_usd=D("24590.16"),
        paid_on=_date("2024-03-10"),
    )
    ExpenditureFactory(project=in_gao, amount=D("90000.00"), spent_on=_date("2023-12-15"))
    ExpenditureFactory(project=in_gao, amount=D("35500.50"), spent_on=_date("2024-06-01"))
    ExpenditureFactory(
        project=in_mopti,
        amount=D("6000000.00"),
        currency="XOF",
        amount_usd=D("9836.07"),
        spent_on=_date("2024-04-15"),
    )

    qip = ProjectFactory(code="QIP-2024-GAO-001", region=gao)
    FundingApprovalFactory(project=qip, amount=D("10000.00"))
    TrancheFactory(project=qip, amount=D("8000.00"))
    ExpenditureFactory(project=qip, amount=D("5000.00"))
    return tf


def _five(row) -> tuple:
    return tuple(getattr(row, name) for name in ledgers.FIGURES)


def _rate(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else rate.quantize(D("0.0001"))


def test_every_mechanism_has_its_five_figures(money):
    rows = {mechanism.code: mechanism for mechanism in ledgers.mechanisms()}

    assert _five(rows["tf"]) == (
        D("546721.31"),  # 300,000 + 196,721.31 + the 50,000 increase
        D("348360.66"),  # 200,000 + 50,000 + 98,360.66
        D("219180.33"),  # 150,000 + 20,000 + 49,180.33
        D("184590.16"),  # 120,000 + 40,000 + 24,590.16
        D("135336.57"),  # 90,000 + 35,500.50 + 9,836.07
    )
    assert _five(rows["qip"]) == (D("0"), D("0"), D("10000.00"), D("8000.00"), D("5000.00"))
    assert _five(rows["pbf"]) == (D("0"),) * 5


def test_available_balance_and_delivery_rate_of_each_mechanism(money):
    rows = {m.code: ledgers.Figures(*_five(m)) for m in ledgers.mechanisms()}

    assert rows["tf"].available == D("129180.33")  # 348,360.66 − 219,180.33
    assert _rate(rows["tf"].delivery_rate) == D("73.3173")  # 135,336.57 ÷ 184,590.16
    assert rows["qip"].available == D("-10000.00")
    assert rows["qip"].delivery_rate == D("62.5")
    assert rows["pbf"].available == D("0")
    assert rows["pbf"].delivery_rate is None  # nothing transferred


def test_grand_total_adds_up_the_mechanisms(money):
    total = ledgers.grand_total(ledgers.mechanisms())

    assert _five(total) == (
        D("546721.31"),
        D("348360.66"),
        D("229180.33"),
        D("192590.16"),
        D("140336.57"),
    )
    assert total.available == D("119180.33")
    assert _rate(total.delivery_rate) == D("72.8680")  # 140,336.57 ÷ 192,590.16


def test_mechanisms_ledger_is_one_query(money, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(ledgers.mechanisms())) == 3


def _donor(row) -> tuple:
    return row.pledged, row.received, row.approved


def test_ledger_by_donor(money):
    rows = [
        (d.name, d.pledged, d.received, d.approved, ledgers.Figures(*_donor(d)).available)
        for d in ledgers.by_donor(money)
    ]

    assert rows == [
        ("Royaume des Pays-Bas", D("350000.00"), D("250000.00"), D("170000.00"), D("80000.00")),
        ("Union européenne", D("196721.31"), D("98360.66"), D("49180.33"), D("49180.33")),
    ]


def test_a_mechanism_without_contributions_has_no_donor(money):
    assert list(ledgers.by_donor(Mechanism.objects.get(code="pbf"))) == []


def test_ledger_by_region_counts_earmarked_pledges_and_the_projects_money(money):
    rows = {region.code: region for region in ledgers.by_region(money)}

    assert list(rows) == ["ML-5", "ML-7"]
    # Gao: contribution A (earmarked) and its increase; the Gao project.
    assert _five(rows["ML-7"]) == (
        D("350000.00"),
        D("250000.00"),
        D("170000.00"),
        D("160000.00"),
        D("125500.50"),
    )
    gao = ledgers.Figures(*_five(rows["ML-7"]))
    assert gao.available == D("80000.00")
    assert _rate(gao.delivery_rate) == D("78.4378")  # 125,500.50 ÷ 160,000
    # Mopti: no earmarked money (B is not earmarked), the Mopti project.
    assert _five(rows["ML-5"]) == (
        D("0"),
        D("0"),
        D("49180.33"),
        D("24590.16"),
        D("9836.07"),
    )
    mopti = ledgers.Figures(*_five(rows["ML-5"]))
    assert mopti.available == D("-49180.33")
    assert _rate(mopti.delivery_rate) == D("40.0000")  # 9,836.07 ÷ 24,590.16


def test_ledger_by_region_of_the_qip_leaves_the_trust_fund_out(money):
    rows = list(ledgers.by_region(Mechanism.objects.get(code="qip")))

    assert [(r.code, *_five(r)) for r in rows] == [
        ("ML-7", D("0"), D("0"), D("10000.00"), D("8000.00"), D("5000.00"))
    ]


def test_ledger_by_year(money):
    years = ledgers.by_year(money)

    assert [figures.year for figures in years] == [2024, 2023]
    by_year = {figures.year: figures for figures in years}
    assert _five(by_year[2024]) == (
        D("246721.31"),  # B + the increase of A
        D("148360.66"),  # the increase + B's deposit
        D("69180.33"),
        D("64590.16"),
        D("45336.57"),
    )
    assert _five(by_year[2023]) == (
        D("300000.00"),
        D("200000.00"),
        D("150000.00"),
        D("120000.00"),
        D("90000.00"),
    )
    assert by_year[2024].available == D("79180.33")
    # Cumulated to each year's end, never a year's spending over its own transfers:
    # (90,000 + 45,336.57) ÷ (120,000 + 64,590.16).
    assert _rate(by_year[2024].delivery_rate) == D("73.3173")
    assert by_year[2023].delivery_rate == D("75")


def test_ledger_by_year_is_empty_without_money():
    assert ledgers.by_year(Mechanism.objects.get(code="pbf")) == []


def test_ledger_by_project_in_dollars_and_in_the_projects_currency(money):
    rows = [
        (
            p.code,
            (p.approved, p.transferred, p.spent),
            (p.approved_amount, p.transferred_amount, p.spent_amount),
        )
        for p in ledgers.by_project(money)
    ]

    assert rows == [
        (
            "TF-2023-GAO-001",
            (D("170000.00"), D("160000.00"), D("125500.50")),
            (D("170000.00"), D("160000.00"), D("125500.50")),
        ),
        (
            "TF-2024-MOP-001",
            (D("49180.33"), D("24590.16"), D("9836.07")),
            (D("30000000.00"), D("15000000.00"), D("6000000.00")),
        ),
    ]


def test_ledger_by_project_reads_zero_for_a_project_without_money(money):
    ProjectFactory(code="TF-2024-GAO-002", mechanism=money)

    row = ledgers.by_project(money).get(code="TF-2024-GAO-002")

    assert (row.approved, row.transferred, row.spent) == (D("0"), D("0"), D("0"))
    assert ledgers.Figures(approved=row.approved, transferred=row.transferred).delivery_rate is None
