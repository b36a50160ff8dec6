"""Property-based test of the money services: whatever sequence of
contributions, deposits, approvals, tranches and expenditure people try, in
whatever amounts and currencies, every invariant holds after every step, and a
refused step writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from accounts.roles import Role
from funding import services
from funding.models import Contribution, Deposit, Expenditure, FundingApproval, Mechanism, Tranche
from projects.models import Project
from regions.models import Region
from tests.factories import ExchangeRateFactory, OrganisationFactory, ProjectFactory, UserFactory

DAY = datetime.date(2024, 3, 15)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("120000"), places=2)
# Most attempts ask for a share of what a limit leaves (what remains to
# approve, transfer or spend), around and exactly at the limit, so that the
# sequences reach the limits instead of being refused at once.
shares = st.one_of(
    st.sampled_from([Decimal(n) for n in ("0.5", "1", "1.0001", "2")]),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1.5"), places=4),
)
CENT = Decimal("0.01")


def share_of(room: Decimal, share: Decimal) -> Decimal:
    return max((room * share).quantize(CENT), CENT)


MODELS = (Contribution, Deposit, FundingApproval, Tranche, Expenditure)


def _sum(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal("0")


class MoneyMachine(RuleBasedStateMachine):
    """One example = one sequence of attempts, inside a transaction rolled
    back at its end, so that examples do not see each other's rows."""

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @initialize()
    def setting(self):
        ExchangeRateFactory(currency="EUR", month=DAY.replace(day=1), units_per_usd="0.9")
        ExchangeRateFactory(currency="XOF", month=DAY.replace(day=1), units_per_usd="600")
        self.manager = UserFactory(username="property-fund", role=Role.FUND_MANAGER)
        tf = Mechanism.objects.get(code="tf")
        gao, mopti = Region.objects.get(code="ML-7"), Region.objects.get(code="ML-5")
        long = {
            "planned_start": datetime.date(2024, 1, 1),
            "planned_end": datetime.date(2024, 12, 31),
        }
        self.projects = [
            ProjectFactory(code="TF-P-GAO", mechanism=tf, region=gao, status="ongoing", **long),
            ProjectFactory(code="TF-P-MOP", mechanism=tf, region=mopti, status="ongoing", **long),
            ProjectFactory(code="QIP-P-USD", status="ongoing"),
            ProjectFactory(
                code="QIP-P-XOF",
                status="ongoing",
                budget_currency="XOF",
                budget_amount=Decimal("20000000"),
            ),
        ]
        self.contributions = []
        self.tf = tf

    def _with_any(self, related: str) -> list:
        """The projects that have some approvals (or tranches), where paying
        (or spending) can succeed; all of them when none has."""
        having = [p for p in self.projects if getattr(p, related).exists()]
        return having or self.projects

    def _attempt(self, write, **arguments):
        """Run one service call; a refusal must leave every table as it was."""
        before = [model.objects.count() for model in MODELS]
        try:
            write(by=self.manager, **arguments)
        except ValidationError:
            assert [model.objects.count() for model in MODELS] == before

    @rule(
        amount=amounts,
        currency=st.sampled_from(["USD", "EUR"]),
        earmark=st.sampled_from([None, "ML-7", "ML-5"]),
    )
    def pledge(self, amount, currency, earmark):
        contribution, _created = services.record_contribution(
            by=self.manager,
            donor=OrganisationFactory(kind="bilateral"),
            mechanism=self.tf,
            amount=amount * 10,
            currency=currency,
            pledged_on=DAY,
            earmark_region=Region.objects.get(code=earmark) if earmark else None,
        )
        self.contributions.append(contribution)

    @rule(data=st.data(), share=shares, increase=st.booleans())
    def deposit(self, data, share, increase):
        if not self.contributions:
            return
        contribution = data.draw(st.sampled_from(self.contributions))
        room = contribution.amount - _sum(contribution.deposits.filter(is_increase=False))
        self._attempt(
            lambda **kw: services.record_deposit(contribution, **kw),
            amount=share_of(room, share),
            currency=contribution.currency,
            received_on=DAY,
            is_increase=increase,
        )

    @rule(data=st.data(), share=shares)
    def approve(self, data, share):
        project = data.draw(st.sampled_from(self.projects))
        contribution = None
        if project.mechanism_id == self.tf.pk:
            if not self.contributions:
                return
            contribution = data.draw(st.sampled_from(self.contributions))
            room = services.available_usd(contribution)  # these budgets are in dollars
        else:  # the QIP ceiling, USD 50,000 (XOF at 600 to the dollar)
            ceiling = Decimal("50000") * (600 if project.budget_currency == "XOF" else 1)
            room = ceiling - _sum(project.funding_approvals.all())
        self._attempt(
            lambda **kw: services.approve_funding(project, **kw),
            amount=share_of(room, share),
            currency=project.budget_currency,
            approved_on=DAY,
            decision_reference="D",
            contribution=contribution,
        )

    @rule(data=st.data(), share=shares)
    def pay(self, data, share):
        project = data.draw(st.sampled_from(self._with_any("funding_approvals")))
        room = _sum(project.funding_approvals.all()) - _sum(project.tranches.all())
        self._attempt(
            lambda **kw: services.record_tranche(project, **kw),
            amount=share_of(room, share),
            currency=project.budget_currency,
            paid_on=DAY,
            reference="T",
        )

    @rule(data=st.data(), share=shares, flagged=st.booleans())
    def spend(self, data, share, flagged):
        project = data.draw(st.sampled_from(self._with_any("tranches")))
        room = _sum(project.tranches.all()) - _sum(project.expenditures.all())
        self._attempt(
            lambda **kw: services.record_expenditure(project, **kw),
            amount=share_of(room, share),
            currency=project.budget_currency,
            spent_on=DAY,
            category="supplies",
            beyond_transfers=flagged,
            explanation="Avance du partenaire." if flagged else "",
        )

    @invariant()
    def projects_hold(self):
        for project in Project.objects.filter(
            code__in=[p.code for p in getattr(self, "projects", [])]
        ):
            approved = _sum(project.funding_approvals.all())
            transferred = _sum(project.tranches.all())
            assert transferred <= approved, project.code
            if not project.expenditures.filter(beyond_transfers=True).exists():
                assert _sum(project.expenditures.all()) <= transferred, project.code
            if project.mechanism.code == "qip":
                assert _sum(project.funding_approvals.all(), "amount_usd") <= Decimal("50000.01")
            currencies = set(project.funding_approvals.values_list("currency", flat=True))
            assert currencies <= {project.budget_currency}

    @invariant()
    def contributions_hold(self):
        for contribution in Contribution.objects.all():
            regular = contribution.deposits.filter(is_increase=False)
            assert _sum(regular) <= contribution.amount
            received_usd = _sum(contribution.deposits.all(), "amount_usd")
            assert _sum(contribution.approvals.all(), "amount_usd") <= received_usd
            for approval in contribution.approvals.select_related("project"):
                assert contribution.may_fund(approval.project)


@pytest.mark.django_db
def test_every_sequence_of_money_writes_keeps_every_invariant():
    run_state_machine_as_test(
        MoneyMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,  # no example files left in the project
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
