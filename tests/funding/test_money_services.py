"""The invariants of money, held by funding.services whatever the page, and by
the database where a constraint can say it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from funding import services
from funding.models import Contribution, Deposit, Expenditure, FundingApproval, Mechanism, Tranche
from projects.models import Project
from regions.models import Pillar, Region
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExchangeRateFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    PriorityFactory,
    ProjectFactory,
    TrancheFactory,
)

JAN = datetime.date(2024, 1, 15)
FEB = datetime.date(2024, 2, 15)


def messages(error: ValidationError) -> str:
    return " ".join(error.value.messages).replace("\xa0", " ")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tf(db):
    return Mechanism.objects.get(code="tf")


@pytest.fixture
def tf_project(tf):
    """A Trust Fund project in Gao: USD 300,000 over a year."""
    return ProjectFactory(
        mechanism=tf,
        code="TF-2024-GAO-001",
        budget_amount=Decimal("300000"),
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 12, 31),
        status=Project.Status.APPROVED,
    )


def received_contribution(tf, amount="200000", **fields):
    contribution = ContributionFactory(mechanism=tf, amount=Decimal("500000"), **fields)
    DepositFactory(contribution=contribution, amount=Decimal(amount))
    return contribution


# --- Contributions and deposits ----------------------------------------------------


def test_contribution_fixes_its_usd_equivalent_at_the_rate_of_its_month(fund_manager, tf):
    ExchangeRateFactory(currency="SEK", month=datetime.date(2024, 1, 1), units_per_usd="10.5")

    contribution, created = services.record_contribution(
        by=fund_manager,
        donor=OrganisationFactory(kind="bilateral"),
        mechanism=tf,
        amount=Decimal("21000000"),
        currency="SEK",
        pledged_on=JAN,
    )

    assert created
    assert contribution.amount_usd == Decimal("2000000.00")
    assert contribution.units_per_usd == Decimal("10.5")
    assert contribution.recorded_by == fund_manager


def test_contribution_without_the_months_rate_is_refused_naming_currency_and_month(
    fund_manager, tf
):
    ExchangeRateFactory(currency="SEK", month=datetime.date(2024, 2, 1))

    with pytest.raises(ValidationError) as error:
        services.record_contribution(
            by=fund_manager,
            donor=OrganisationFactory(kind="bilateral"),
            mechanism=tf,
            amount=Decimal("1000"),
            currency="SEK",
            pledged_on=JAN,
        )

    assert "SEK" in messages(error) and "January 2024" in messages(error)
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("fixture", ["hq_user", "gao_officer", "viewer", "no_role_user"])
def test_only_money_managers_record_money(request, fixture, tf):
    with pytest.raises(PermissionDenied):
        services.record_contribution(
            by=request.getfixturevalue(fixture),
            donor=OrganisationFactory(kind="bilateral"),
            mechanism=tf,
            amount=Decimal("1000"),
            currency="USD",
            pledged_on=JAN,
        )
    assert not Contribution.objects.exists()


def test_administrator_records_money(admin_user, tf):
    _contribution, created = services.record_contribution(
        by=admin_user,
        donor=OrganisationFactory(kind="bilateral"),
        mechanism=tf,
        amount=Decimal("1000"),
        currency="USD",
        pledged_on=JAN,
    )
    assert created


def test_same_form_posted_twice_records_one_contribution(fund_manager, tf):
    fields = {
        "donor": OrganisationFactory(kind="bilateral"),
        "mechanism": tf,
        "amount": Decimal("1000"),
        "currency": "USD",
        "pledged_on": JAN,
    }
    token = "6f1c5c0e-8f7a-4a53-9d55-0c5b1f0f2d11"

    first, created_first = services.record_contribution(by=fund_manager, token=token, **fields)
    second, created_second = services.record_contribution(by=fund_manager, token=token, **fields)

    assert (created_first, created_second) == (True, False)
    assert first == second and Contribution.objects.count() == 1


def test_deposits_never_exceed_the_pledge_unless_marked_as_increase(fund_manager, tf):
    contribution = ContributionFactory(mechanism=tf, amount=Decimal("100000"))
    services.record_deposit(
        contribution, by=fund_manager, amount=Decimal("60000"), currency="USD", received_on=JAN
    )

    with pytest.raises(ValidationError) as error:
        services.record_deposit(
            contribution,
            by=fund_manager,
            amount=Decimal("40000.01"),
            currency="USD",
            received_on=FEB,
        )
    assert "100,000.01 USD" in messages(error) and "increase" in messages(error)
    assert contribution.deposits.count() == 1

    services.record_deposit(
        contribution, by=fund_manager, amount=Decimal("40000"), currency="USD", received_on=FEB
    )
    services.record_deposit(
        contribution,
        by=fund_manager,
        amount=Decimal("25000"),
        currency="USD",
        received_on=FEB,
        is_increase=True,
    )
    assert services.received(contribution) == Decimal("125000")


def test_deposit_in_the_future_or_another_currency_is_refused(fund_manager, tf):
    contribution = ContributionFactory(mechanism=tf)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as future:
        services.record_deposit(
            contribution,
            by=fund_manager,
            amount=Decimal("10"),
            currency="USD",
            received_on=tomorrow,
        )
    with pytest.raises(ValidationError) as currency:
        services.record_deposit(
            contribution, by=fund_manager, amount=Decimal("10"), currency="EUR", received_on=JAN
        )

    assert "future" in messages(future)
    assert "USD" in messages(currency)
    assert not Deposit.objects.exists()


def test_deposit_fixes_its_own_months_rate_not_the_pledges(fund_manager, tf):
    ExchangeRateFactory(currency="EUR", month=datetime.date(2024, 1, 1), units_per_usd="0.9")
    ExchangeRateFactory(currency="EUR", month=datetime.date(2024, 2, 1), units_per_usd="0.8")
    contribution = ContributionFactory(
        mechanism=tf, amount=Decimal("900"), currency="EUR", amount_usd=Decimal("1000")
    )

    deposit, _created = services.record_deposit(
        contribution, by=fund_manager, amount=Decimal("400"), currency="EUR", received_on=FEB
    )

    assert (deposit.amount_usd, deposit.units_per_usd) == (Decimal("500.00"), Decimal("0.8"))


def test_pledge_cannot_fall_below_what_was_received(fund_manager, tf):
    contribution = ContributionFactory(mechanism=tf, amount=Decimal("100000"))
    DepositFactory(contribution=contribution, amount=Decimal("80000"))
    fields = {
        "donor": contribution.donor,
        "mechanism": tf,
        "earmark_region": None,
        "earmark_pillar": "",
        "currency": "USD",
        "pledged_on": contribution.pledged_on,
        "reference": "",
        "notes": "",
    }

    with pytest.raises(ValidationError) as error:
        services.edit_contribution(
            contribution.pk, by=fund_manager, version=1, amount=Decimal("79999.99"), **fields
        )
    assert "80,000.00 USD" in messages(error)

    with pytest.raises(ValidationError):
        services.edit_contribution(
            contribution.pk,
            by=fund_manager,
            version=1,
            amount=Decimal("90000"),
            **{**fields, "currency": "EUR"},
        )

    edited = services.edit_contribution(
        contribution.pk, by=fund_manager, version=1, amount=Decimal("80000"), **fields
    )
    assert edited.amount == Decimal("80000") and edited.version == 2
    assert edited.history.first().history_user == fund_manager


# --- Approvals ---------------------------------------------------------------------


def test_trust_fund_approval_must_name_the_contribution_that_funds_it(fund_manager, tf_project):
    with pytest.raises(ValidationError) as error:
        services.approve_funding(
            tf_project,
            by=fund_manager,
            amount=Decimal("1000"),
            currency="USD",
            approved_on=FEB,
            decision_reference="COPIL-1",
        )
    assert "contribution" in error.value.error_dict
    assert not FundingApproval.objects.exists()


def test_trust_fund_approves_only_what_was_received_and_not_yet_approved(
    fund_manager, tf, tf_project
):
    contribution = received_contribution(tf, amount="200000")
    approve = {
        "by": fund_manager,
        "currency": "USD",
        "approved_on": FEB,
        "decision_reference": "COPIL-1",
        "contribution": contribution,
    }
    services.approve_funding(tf_project, amount=Decimal("150000"), **approve)

    with pytest.raises(ValidationError) as error:
        services.approve_funding(tf_project, amount=Decimal("50000.01"), **approve)

    assert "50,000.00 USD" in messages(error)
    services.approve_funding(tf_project, amount=Decimal("50000"), **approve)
    assert services.available_usd(contribution) == Decimal("0")


def test_money_earmarked_for_gao_funds_only_gao_projects(fund_manager, tf, tf_project):
    earmarked = received_contribution(tf, earmark_region=Region.objects.get(code="ML-6"))
    gao_money = received_contribution(tf, earmark_region=Region.objects.get(code="ML-7"))

    with pytest.raises(ValidationError) as error:
        services.approve_funding(
            tf_project,
            by=fund_manager,
            amount=Decimal("1000"),
            currency="USD",
            approved_on=FEB,
            decision_reference="COPIL-1",
            contribution=earmarked,
        )
    assert "Timbuktu" in messages(error)
    assert list(services.eligible_contributions(tf_project)) == [gao_money]

    services.approve_funding(
        tf_project,
        by=fund_manager,
        amount=Decimal("1000"),
        currency="USD",
        approved_on=FEB,
        decision_reference="COPIL-1",
        contribution=gao_money,
    )


def test_money_earmarked_for_a_pillar_funds_only_that_pillars_projects(
    fund_manager, tf, tf_project
):
    cohesion = received_contribution(tf, earmark_pillar=Pillar.SOCIAL_COHESION)

    with pytest.raises(ValidationError):
        services.approve_funding(
            tf_project,
            by=fund_manager,
            amount=Decimal("1000"),
            currency="USD",
            approved_on=FEB,
            decision_reference="COPIL-1",
            contribution=cohesion,
        )

    tf_project.priority = PriorityFactory(pillar=Pillar.SOCIAL_COHESION)
    tf_project.save()
    approval, created = services.approve_funding(
        tf_project,
        by=fund_manager,
        amount=Decimal("1000"),
        currency="USD",
        approved_on=FEB,
        decision_reference="COPIL-1",
        contribution=cohesion,
    )
    assert created and approval.contribution == cohesion


def test_contribution_to_another_mechanism_cannot_fund_the_project(fund_manager, tf_project):
    pbf_money = received_contribution(Mechanism.objects.get(code="pbf"))

    with pytest.raises(ValidationError) as error:
        services.approve_funding(
            tf_project,
            by=fund_manager,
            amount=Decimal("1000"),
            currency="USD",
            approved_on=FEB,
            decision_reference="COPIL-1",
            contribution=pbf_money,
        )
    assert "mechanism" in messages(error)


def test_qip_ceiling_holds_over_every_approval_of_the_project(fund_manager):
    project = ProjectFactory(status=Project.Status.APPROVED)
    approve = {"by": fund_manager, "currency": "USD", "approved_on": FEB}
    services.approve_funding(
        project, amount=Decimal("45000"), decision_reference="PRC-1", **approve
    )

    with pytest.raises(ValidationError) as error:
        services.approve_funding(
            project, amount=Decimal("5000.01"), decision_reference="PRC-2", **approve
        )

    assert "50,000" in messages(error) and "50,000.01" in messages(error)
    assert project.funding_approvals.count() == 1


def test_qip_ceiling_is_checked_in_dollars_at_the_approval_months_rate(fund_manager):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 2, 1), units_per_usd="600")
    project = ProjectFactory(
        budget_amount=Decimal("30000000"), budget_currency="XOF", status=Project.Status.APPROVED
    )
    approve = {"by": fund_manager, "currency": "XOF", "decision_reference": "PRC-1"}

    with pytest.raises(ValidationError):
        services.approve_funding(project, amount=Decimal("30000006"), approved_on=FEB, **approve)
    with pytest.raises(ValidationError) as missing:
        services.approve_funding(project, amount=Decimal("1000"), approved_on=JAN, **approve)

    assert "XOF" in messages(missing) and "January 2024" in messages(missing)
    approval, _created = services.approve_funding(
        project, amount=Decimal("30000000"), approved_on=FEB, **approve
    )
    assert approval.amount_usd == Decimal("50000.00")


def test_qip_duration_rule_holds_at_approval(fund_manager):
    project = ProjectFactory(
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 9, 30),
        status=Project.Status.APPROVED,
    )
    with pytest.raises(ValidationError) as error:
        services.approve_funding(
            project,
            by=fund_manager,
            amount=Decimal("1000"),
            currency="USD",
            approved_on=FEB,
            decision_reference="PRC-1",
        )
    assert "6 months" in messages(error)


def test_approval_is_in_the_currency_of_the_projects_budget(fund_manager):
    project = ProjectFactory(status=Project.Status.APPROVED)
    with pytest.raises(ValidationError) as error:
        services.approve_funding(
            project,
            by=fund_manager,
            amount=Decimal("1000"),
            currency="EUR",
            approved_on=FEB,
            decision_reference="PRC-1",
        )
    assert "currency" in error.value.error_dict


@pytest.mark.parametrize("status", [Project.Status.CLOSED, Project.Status.CANCELLED])
def test_finished_project_receives_no_money(fund_manager, status):
    project = ProjectFactory(status=status)
    with pytest.raises(ValidationError) as error:
        services.approve_funding(
            project,
            by=fund_manager,
            amount=Decimal("1000"),
            currency="USD",
            approved_on=FEB,
            decision_reference="PRC-1",
        )
    assert "locked" in messages(error)
    assert not FundingApproval.objects.exists()


def test_recorded_equivalent_does_not_move_when_the_rate_is_corrected(fund_manager):
    rate = ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 2, 1), units_per_usd="600")
    project = ProjectFactory(
        budget_amount=Decimal("6000000"), budget_currency="XOF", status=Project.Status.APPROVED
    )
    approval, _created = services.approve_funding(
        project,
        by=fund_manager,
        amount=Decimal("6000000"),
        currency="XOF",
        approved_on=FEB,
        decision_reference="PRC-1",
    )

    services.record_rate(
        by=fund_manager, currency="XOF", month=rate.month, units_per_usd=Decimal("500")
    )

    approval.refresh_from_db()
    assert (approval.amount_usd, approval.units_per_usd) == (Decimal("10000.00"), Decimal("600"))
    rate.refresh_from_db()
    assert rate.units_per_usd == Decimal("500") and rate.history.count() == 2


# --- Tranches and expenditure ------------------------------------------------------


def qip_with_approval(amount="40000"):
    project = ProjectFactory(status=Project.Status.ONGOING)
    FundingApprovalFactory(project=project, amount=Decimal(amount))
    return project


def test_tranches_never_exceed_the_approved_amount(fund_manager):
    project = qip_with_approval()
    pay = {"by": fund_manager, "currency": "USD", "paid_on": FEB}
    services.record_tranche(project, amount=Decimal("32000"), reference="T1", **pay)

    with pytest.raises(ValidationError) as error:
        services.record_tranche(project, amount=Decimal("8000.01"), reference="T2", **pay)

    assert "40,000.01 USD" in messages(error) and "40,000.00 USD" in messages(error)
    services.record_tranche(project, amount=Decimal("8000"), reference="T2", **pay)
    assert services.project_totals(project)["transferred"] == Decimal("40000")


def test_qip_schedule_proposes_its_share_then_the_remainder(fund_manager):
    project = qip_with_approval("33333.33")
    first_step, second_step = Mechanism.objects.get(code="qip").tranche_steps.all()

    step, amount = services.proposed_tranche(project)
    assert (step, amount) == (first_step, Decimal("26666.66"))

    services.record_tranche(
        project,
        by=fund_manager,
        amount=amount,
        currency="USD",
        paid_on=FEB,
        reference="T1",
        step=step,
    )
    assert services.proposed_tranche(project) == (second_step, Decimal("6666.67"))

    # The second step is paid at completion.
    Project.objects.filter(pk=project.pk).update(status=Project.Status.COMPLETED)
    services.record_tranche(
        project,
        by=fund_manager,
        amount=Decimal("6666.67"),
        currency="USD",
        paid_on=FEB,
        reference="T2",
        step=second_step,
    )
    assert services.proposed_tranche(project) is None


def test_schedule_follows_the_mechanisms_data(fund_manager):
    qip = Mechanism.objects.get(code="qip")
    first_step = qip.tranche_steps.first()
    qip.tranche_steps.exclude(pk=first_step.pk).update(percent=Decimal("40"))
    first_step.percent = Decimal("60")
    first_step.save()

    assert services.proposed_tranche(qip_with_approval("10000")) == (first_step, Decimal("6000.00"))


def test_mechanism_without_schedule_proposes_what_remains(fund_manager, tf_project):
    FundingApprovalFactory(project=tf_project, amount=Decimal("100000"))
    TrancheFactory(project=tf_project, amount=Decimal("30000"))

    assert services.proposed_tranche(tf_project) == (None, Decimal("70000"))


def test_step_of_another_mechanism_is_refused(fund_manager, tf_project):
    FundingApprovalFactory(project=tf_project, amount=Decimal("100000"))
    qip_step = Mechanism.objects.get(code="qip").tranche_steps.first()

    with pytest.raises(ValidationError):
        services.record_tranche(
            tf_project,
            by=fund_manager,
            amount=Decimal("10"),
            currency="USD",
            paid_on=FEB,
            reference="T1",
            step=qip_step,
        )
    assert not Tranche.objects.exists()


def test_spending_beyond_transfers_needs_the_flag_and_an_explanation(fund_manager):
    project = qip_with_approval()
    TrancheFactory(project=project, amount=Decimal("32000"), paid_on=FEB)
    spend = {"by": fund_manager, "currency": "USD", "spent_on": FEB, "category": "supplies"}
    services.record_expenditure(project, amount=Decimal("30000"), **spend)

    with pytest.raises(ValidationError) as refused:
        services.record_expenditure(project, amount=Decimal("2000.01"), **spend)
    with pytest.raises(ValidationError) as unexplained:
        services.record_expenditure(
            project, amount=Decimal("5000"), beyond_transfers=True, explanation="  ", **spend
        )

    assert "32,000.00 USD" in messages(refused)
    assert "explanation" in unexplained.value.error_dict
    assert project.expenditures.count() == 1
    services.record_expenditure(
        project,
        amount=Decimal("5000"),
        beyond_transfers=True,
        explanation="Avance du partenaire en attendant la seconde tranche.",
        **spend,
    )
    assert services.project_totals(project)["spent"] == Decimal("35000")


# --- What the database refuses whatever the entry point ------------------------------


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
def test_database_refuses_amounts_that_are_not_positive(fund_manager, amount):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionFactory(amount=amount, amount_usd=Decimal("1"))


def test_database_refuses_an_unknown_currency(fund_manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionFactory(currency="ZZZ")


def test_database_refuses_unexplained_spending_beyond_transfers(fund_manager):
    project = qip_with_approval()
    with pytest.raises(IntegrityError), transaction.atomic():
        Expenditure.objects.create(
            project=project,
            amount=Decimal("1"),
            currency="USD",
            amount_usd=Decimal("1"),
            spent_on=FEB,
            category="supplies",
            beyond_transfers=True,
            explanation="",
            recorded_by=fund_manager,
        )
