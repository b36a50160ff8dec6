"""The demo money: rates, contributions and the projects' money, recorded
through the services so that every ledger invariant holds. Seeded once for
the module (rolled back at the end)."""

import datetime
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from funding.models import (
    Contribution,
    Deposit,
    ExchangeRate,
    Expenditure,
    FundingApproval,
    Mechanism,
    Tranche,
)
from portfolio import ledgers
from projects.models import Project
from tooling.demo.money import XOF_PER_EUR

AMOUNTS = [Contribution, Deposit, FundingApproval, Tranche, Expenditure]
FUNDED = {"approved", "ongoing", "completed", "closed"}
# Units per dollar the demo rates stay within.
RANGES = {
    "XOF": (560, 660),
    "EUR": (Decimal(560) / XOF_PER_EUR, Decimal(660) / XOF_PER_EUR),
    "SEK": (9, 11),
    "NOK": (9, 11),
    "DKK": (Decimal("6.3"), Decimal("7.1")),
    "GBP": (Decimal("0.74"), Decimal("0.82")),
    "CAD": (Decimal("1.25"), Decimal("1.40")),
    "JPY": (105, 155),
    "CHF": (Decimal("0.85"), Decimal("0.95")),
}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", password="demo-password-1", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("demo")


def _sum(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal(0)


def _snapshot() -> dict:
    counts = {model.__name__: model.objects.count() for model in [ExchangeRate, *AMOUNTS]}
    for model in [ExchangeRate, *AMOUNTS]:
        if hasattr(model, "history"):
            counts[f"{model.__name__} history"] = model.history.count()
    return counts


@pytest.mark.django_db
def test_the_command_says_what_money_it_recorded_and_a_second_run_records_nothing(demo):
    line = next(line for line in demo.splitlines() if line.startswith("Demo money:"))
    assert re.search(r"[1-9]\d* contributions", line)
    assert re.search(r"[1-9]\d* expenditures", line)
    before = _snapshot()

    output = seed()

    assert _snapshot() == before
    assert (
        "Demo money: 0 exchange rates, 0 contributions, 0 deposits, 0 funding approvals, "
        "0 tranches, 0 expenditures created." in output
    )


@pytest.mark.django_db
def test_every_mechanism_has_money_at_every_stage():
    figures = {m.code: m for m in ledgers.mechanisms()}
    assert set(figures) == {"qip", "tf", "pbf"}
    for code, mechanism in figures.items():
        for name in ledgers.FIGURES:
            assert getattr(mechanism, name) > 0, (code, name)
        assert mechanism.approved <= mechanism.received or not mechanism.limited_to_receipts


@pytest.mark.django_db
def test_transfers_within_approvals_and_spending_within_transfers_unless_explained():
    flagged = 0
    for mechanism in Mechanism.objects.all():
        for project in ledgers.by_project(mechanism):
            assert project.transferred_amount <= project.approved_amount, project.code
            if project.spent_amount > project.transferred_amount:
                beyond = project.expenditures.filter(beyond_transfers=True).exclude(explanation="")
                assert beyond.exists(), project.code
                flagged += 1
    assert flagged == 1
    explanations = Expenditure.objects.filter(beyond_transfers=True).values_list(
        "explanation", flat=True
    )
    assert all("partenaire" in text for text in explanations)


@pytest.mark.django_db
def test_only_approved_ongoing_completed_and_closed_projects_have_money():
    for model in (FundingApproval, Tranche, Expenditure):
        statuses = set(model.objects.values_list("project__status", flat=True))
        assert statuses <= FUNDED, model.__name__
    assert not Tranche.objects.filter(project__status="approved").exists()
    assert {"approved", "ongoing", "completed", "closed"} <= set(
        FundingApproval.objects.values_list("project__status", flat=True)
    )


@pytest.mark.django_db
def test_contributions_receive_no_more_than_pledged_and_approve_no_more_than_received():
    for contribution in Contribution.objects.all():
        regular = contribution.deposits.filter(is_increase=False)
        assert _sum(regular) <= contribution.amount, contribution.reference
        assert set(contribution.deposits.values_list("currency", flat=True)) <= {
            contribution.currency
        }
        received_usd = _sum(contribution.deposits.all(), "amount_usd")
        assert _sum(contribution.approvals.all(), "amount_usd") <= received_usd
    assert Deposit.objects.filter(is_increase=True).exists()
    partly_received = [
        c
        for c in Contribution.objects.all()
        if _sum(c.deposits.filter(is_increase=False)) < c.amount
    ]
    assert partly_received


@pytest.mark.django_db
def test_trust_fund_approvals_are_charged_to_money_received_and_most_projects_funded():
    tf = FundingApproval.objects.filter(mechanism__code="tf")
    assert not tf.filter(contribution=None).exists()
    assert not tf.exclude(contribution__mechanism__code="tf").exists()
    waiting = Project.objects.filter(mechanism__code="tf", status__in=FUNDED)
    funded = waiting.filter(funding_approvals__isnull=False).distinct()
    assert funded.count() >= 0.8 * waiting.count() > 0
    donors = set(tf.values_list("contribution__donor", flat=True))
    assert len(donors) >= 5


@pytest.mark.django_db
def test_qip_approvals_stay_within_the_ceiling_and_tranches_follow_the_schedule():
    qip = Mechanism.objects.get(code="qip")
    for project in Project.objects.filter(
        mechanism=qip, funding_approvals__isnull=False
    ).distinct():
        approved = _sum(project.funding_approvals.all(), "amount_usd")
        assert approved <= qip.ceiling_usd, project.code
        tranches = list(project.tranches.select_related("step"))
        expected = {"approved": 0, "ongoing": 1, "completed": 2, "closed": 2}[project.status]
        assert len(tranches) == expected, project.code
        if tranches:
            assert tranches[0].step.sequence == 1
            assert tranches[0].amount == (approved * Decimal("0.8")).quantize(Decimal("0.01"))
        if len(tranches) == 2:
            assert tranches[1].step.sequence == 2
            assert tranches[0].amount + tranches[1].amount == approved
            # Paid at completion: once the project ended.
            assert tranches[1].paid_on >= project.actual_end, project.code


@pytest.mark.django_db
def test_contributions_in_many_currencies_from_trust_fund_donors_some_earmarked():
    assert Contribution.objects.values("currency").distinct().count() >= 5
    tf = Contribution.objects.filter(mechanism__code="tf")
    assert {"EUR", "SEK", "NOK", "DKK", "GBP", "CAD", "JPY", "CHF", "USD"} <= set(
        tf.values_list("currency", flat=True)
    )
    assert set(tf.values_list("donor__kind", flat=True)) == {"bilateral"}
    assert {"Pays-Bas", "Asdi", "Norvège", "Danemark", "AMC", "FCDO", "JICA", "DDC"} <= set(
        tf.values_list("donor__acronym", flat=True)
    )
    assert tf.filter(earmark_region__code="ML-7").exists()
    assert tf.filter(earmark_region__code="ML-6").exists()
    assert tf.exclude(earmark_pillar="").exists()
    assert tf.filter(earmark_region__isnull=False).exclude(earmark_pillar="").exists()
    mission = Contribution.objects.filter(mechanism__code="qip")
    assert set(mission.values_list("donor__acronym", "donor__kind", "currency")) == {
        ("MINUSMA", "un_agency", "USD")
    }
    assert Contribution.objects.filter(mechanism__code="pbf").exists()


@pytest.mark.django_db
def test_earmarked_contributions_fund_only_projects_their_earmark_allows():
    charged = (
        FundingApproval.objects.exclude(contribution=None)
        .filter(Q(contribution__earmark_region__isnull=False) | ~Q(contribution__earmark_pillar=""))
        .select_related("contribution__earmark_region", "project__priority")
    )
    assert charged.count() >= 5
    for approval in charged:
        assert approval.contribution.may_fund(approval.project), approval.decision_reference
    for approval in FundingApproval.objects.exclude(contribution=None).select_related(
        "contribution"
    ):
        assert approval.contribution.pledged_on <= approval.approved_on


@pytest.mark.django_db
def test_every_amount_has_the_dollar_equivalent_of_its_months_rate():
    rates = {(r.currency, r.month): r.units_per_usd for r in ExchangeRate.objects.all()}
    for model in AMOUNTS:
        for row in model.objects.all():
            if row.currency == "USD":
                assert row.amount_usd == row.amount
                continue
            rate = rates[row.currency, row.date.replace(day=1)]
            expected = (row.amount / rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            assert row.amount_usd == expected, (model.__name__, row.pk)
    for model in (FundingApproval, Tranche, Expenditure):
        for amount in model.objects.select_related("project"):
            assert amount.currency == amount.project.budget_currency


@pytest.mark.django_db
def test_monthly_rates_of_every_currency_up_to_this_month_plausible_and_euro_pegged():
    today = timezone.localdate()
    earliest = min(
        [Project.objects.aggregate(first=Min("planned_start"))["first"]]
        + [model.objects.aggregate(first=Min(model.DATE_FIELD))["first"] for model in AMOUNTS]
    ).replace(day=1)
    months = []
    month = earliest
    while month <= today:
        months.append(month)
        month = (month + datetime.timedelta(days=31)).replace(day=1)
    for currency, (low, high) in RANGES.items():
        rates = dict(
            ExchangeRate.objects.filter(currency=currency).values_list("month", "units_per_usd")
        )
        assert set(months) <= set(rates), currency
        assert all(low <= rate <= high for rate in rates.values()), currency
        ordered = [rates[month] for month in months]
        # Slowly varying: never more than 5 % from one month to the next.
        for before, after in zip(ordered, ordered[1:], strict=False):
            assert abs(after - before) / before < Decimal("0.05"), currency
    xof = dict(ExchangeRate.objects.filter(currency="XOF").values_list("month", "units_per_usd"))
    for month, eur in ExchangeRate.objects.filter(currency="EUR").values_list(
        "month", "units_per_usd"
    ):
        assert abs(eur * XOF_PER_EUR - xof[month]) < Decimal("0.001")


@pytest.mark.django_db
def test_dates_follow_the_projects_and_never_pass_today():
    today = timezone.localdate()
    for model in AMOUNTS:
        assert not model.objects.filter(**{f"{model.DATE_FIELD}__gt": today}).exists()
    for approval in FundingApproval.objects.select_related("project"):
        assert approval.approved_on >= approval.project.planned_start
        first_paid = approval.project.tranches.aggregate(first=Min("paid_on"))["first"]
        if first_paid:
            assert first_paid >= approval.approved_on
            assert not approval.project.expenditures.filter(spent_on__lt=first_paid).exists()
    for deposit in Deposit.objects.select_related("contribution"):
        assert deposit.received_on >= deposit.contribution.pledged_on


@pytest.mark.django_db
def test_recorded_by_the_fund_manager_with_french_references():
    for model in AMOUNTS:
        assert set(model.objects.values_list("recorded_by__username", flat=True)) == {"fund"}
    patterns = {
        "qip": r"PRC-\d{4}-\d{3}",
        "tf": r"COPIL-FF-\d{4}-\d{2}",
        "pbf": r"JSC-PBF-\d{4}-\d{2}",
    }
    for code, reference in FundingApproval.objects.values_list(
        "mechanism__code", "decision_reference"
    ):
        assert re.fullmatch(patterns[code], reference), reference
    assert len(set(FundingApproval.objects.values_list("decision_reference", flat=True))) == (
        FundingApproval.objects.count()
    )
    categories = set(Expenditure.objects.values_list("category", flat=True))
    assert len(categories) >= 6
    assert not Contribution.objects.filter(notes="").exists()
