"""The dates of money, held by funding.services whatever the entry point
(pages, imports, admin's deletions): nothing dated after today (or after
`MONEY_FUTURE_DAYS`), no tranche before the project's first approval, the
completion tranche only on a completed project, no spending before the first
tranche unless flagged and explained. Each refusal names the dates."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from funding import imports, services
from funding.models import (
    Contribution,
    Deposit,
    Expenditure,
    FundingApproval,
    Mechanism,
    Tranche,
    TrancheStep,
)
from projects.models import Project
from tests.factories import (
    ContributionFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 20)
D = Decimal


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2024, 6, 20, 10, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def messages(error) -> str:
    return " ".join(error.value.messages)


def _project(status=Project.Status.ONGOING, **fields) -> Project:
    """A QIP approved USD 40,000 on 15 February 2024."""
    project = ProjectFactory(status=status, **fields)
    FundingApprovalFactory(
        project=project, amount=D("40000"), approved_on=datetime.date(2024, 2, 15)
    )
    return project


def _steps() -> tuple[TrancheStep, TrancheStep]:
    signature, completion = TrancheStep.objects.filter(mechanism__code="qip").order_by("sequence")
    assert completion.milestone == TrancheStep.Milestone.COMPLETION
    return signature, completion


def _pay(project, by, **changes):
    arguments = {
        "by": by,
        "amount": D("1000"),
        "currency": "USD",
        "paid_on": datetime.date(2024, 3, 1),
        "reference": "TRF-1",
    }
    return services.record_tranche(project, **(arguments | changes))


def _spend(project, by, **changes):
    arguments = {
        "by": by,
        "amount": D("500"),
        "currency": "USD",
        "spent_on": datetime.date(2024, 4, 1),
        "category": "supplies",
    }
    return services.record_expenditure(project, **(arguments | changes))


# --- Tranches after the first approval -------------------------------------------------


def test_tranche_before_the_first_approval_is_refused_naming_both_dates(fund_manager):
    project = _project(code="QIP-2024-GAO-201")

    with pytest.raises(ValidationError) as error:
        _pay(project, fund_manager, paid_on=datetime.date(2024, 2, 14))

    assert "paid_on" in error.value.error_dict
    assert messages(error) == (
        "A tranche is paid after the project's funding is approved: this one is dated "
        "14 February 2024, before the first approval of QIP-2024-GAO-201, on 15 February 2024."
    )
    assert not Tranche.objects.exists()


def test_tranche_on_the_day_of_the_first_approval_is_recorded(fund_manager):
    project = _project()
    FundingApprovalFactory(project=project, amount=D("5000"), approved_on=datetime.date(2024, 5, 2))

    tranche, created = _pay(project, fund_manager, paid_on=datetime.date(2024, 2, 15))

    assert created and tranche.paid_on == datetime.date(2024, 2, 15)


def test_tranche_page_refuses_a_date_before_the_first_approval(client_for, fund_manager):
    project = _project()
    data = {
        "token": str(uuid.uuid4()),
        "amount": "8000",
        "currency": "USD",
        "paid_on": "2024-01-31",
        "reference": "TRF-2024-0042",
        "step": "",
        "confirmed": "yes",
    }

    response = client_for(fund_manager).post(f"/projects/{project.pk}/money/tranches/new/", data)

    assert response.status_code == 200
    assert "this one is dated 31 January 2024, before the first approval" in response.text
    assert not Tranche.objects.exists()


# --- The completion tranche ------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Project.Status.PIPELINE, Project.Status.APPROVED, Project.Status.ONGOING]
)
def test_completion_tranche_of_a_project_not_completed_is_refused(fund_manager, status):
    project = _project(status=status, code="QIP-2024-GAO-202")
    signature, completion = _steps()
    _pay(project, fund_manager, amount=D("32000"), step=signature)

    with pytest.raises(ValidationError) as error:
        _pay(project, fund_manager, amount=D("8000"), step=completion, reference="TRF-2")

    assert "step" in error.value.error_dict
    assert messages(error) == (
        "The tranche “20\xa0% at completion” is paid once the project is completed; "
        f"QIP-2024-GAO-202 is {Project.Status(status).label}."
    )
    assert Tranche.objects.count() == 1


def test_completion_tranche_of_a_completed_project_is_recorded(fund_manager):
    project = _project(status=Project.Status.COMPLETED)
    signature, completion = _steps()
    _pay(project, fund_manager, amount=D("32000"), step=signature)

    tranche, created = _pay(project, fund_manager, amount=D("8000"), step=completion)

    assert created and tranche.step == completion


def test_tranche_page_refuses_the_completion_step_of_an_ongoing_project(client_for, fund_manager):
    project = _project()
    _signature, completion = _steps()
    data = {
        "token": str(uuid.uuid4()),
        "amount": "8000",
        "currency": "USD",
        "paid_on": "2024-06-01",
        "reference": "TRF-2024-0043",
        "step": completion.pk,
    }
    url = f"/projects/{project.pk}/money/tranches/new/"
    client = client_for(fund_manager)

    for confirmed in ({}, {"confirmed": "yes"}):
        response = client.post(url, data | confirmed)

        assert response.status_code == 200
        assert "is paid once the project is completed" in response.text
        assert response.context["form"].errors["step"]
    assert not Tranche.objects.exists()


# --- Spending after the first tranche --------------------------------------------------------


def test_spending_before_the_first_tranche_is_refused_naming_both_dates(fund_manager):
    project = _project(code="QIP-2024-GAO-203")
    TrancheFactory(project=project, amount=D("32000"), paid_on=datetime.date(2024, 3, 1))

    with pytest.raises(ValidationError) as error:
        _spend(project, fund_manager, spent_on=datetime.date(2024, 2, 29))

    assert "spent_on" in error.value.error_dict
    assert messages(error) == (
        "This expenditure is dated 29 February 2024, before the first tranche to "
        "QIP-2024-GAO-203, paid on 1 March 2024. If the partner spent before it received "
        "money, tick “beyond the money transferred” and explain."
    )
    assert not Expenditure.objects.exists()


def test_spending_before_the_first_tranche_flagged_and_explained_is_recorded(fund_manager):
    project = _project()
    TrancheFactory(project=project, amount=D("32000"), paid_on=datetime.date(2024, 3, 1))

    expenditure, created = _spend(
        project,
        fund_manager,
        spent_on=datetime.date(2024, 2, 20),
        beyond_transfers=True,
        explanation="Le partenaire a avancé les premiers achats.",
    )

    assert created and expenditure.beyond_transfers


def test_spending_on_the_day_of_the_first_tranche_is_recorded(fund_manager):
    project = _project()
    TrancheFactory(project=project, amount=D("32000"), paid_on=datetime.date(2024, 3, 1))

    _expenditure, created = _spend(project, fund_manager, spent_on=datetime.date(2024, 3, 1))

    assert created


def test_expenditure_page_refuses_spending_before_the_first_tranche(client_for, fund_manager):
    project = _project()
    TrancheFactory(project=project, amount=D("32000"), paid_on=datetime.date(2024, 3, 1))
    data = {
        "token": str(uuid.uuid4()),
        "amount": "1500",
        "currency": "USD",
        "spent_on": "2024-02-28",
        "category": Expenditure.Category.SUPPLIES,
        "description": "Ciment",
        "explanation": "",
    }

    response = client_for(fund_manager).post(
        f"/projects/{project.pk}/money/expenditures/new/", data
    )

    assert response.status_code == 200
    assert response.context["form"].errors["spent_on"]
    assert "This expenditure is dated 28 February 2024, before the first tranche" in response.text
    assert not Expenditure.objects.exists()


# --- Nothing in the future ------------------------------------------------------------------

TOMORROW = TODAY + datetime.timedelta(days=1)
FUTURE = (
    "This date is in the future. Money is recorded once it has happened: "
    "21 June 2024 is after today, 20 June 2024."
)


def _write(kind: str, by, day: datetime.date):
    """Record money of `kind` dated `day`, all else being acceptable."""
    project = _project()
    TrancheFactory(project=project, amount=D("1000"), paid_on=datetime.date(2024, 3, 1))
    contribution = ContributionFactory()
    writes = {
        "contribution": lambda: services.record_contribution(
            by=by,
            donor=OrganisationFactory(),
            mechanism=Mechanism.objects.get(code="tf"),
            amount=D("1000"),
            currency="USD",
            pledged_on=day,
        ),
        "deposit": lambda: services.record_deposit(
            contribution, by=by, amount=D("1000"), currency="USD", received_on=day
        ),
        "approval": lambda: services.approve_funding(
            project,
            by=by,
            amount=D("1000"),
            currency="USD",
            approved_on=day,
            decision_reference="PRC-2024-300",
        ),
        "tranche": lambda: _pay(project, by, paid_on=day),
        "expenditure": lambda: _spend(project, by, spent_on=day),
    }
    return writes[kind]()


MONEY = {
    "contribution": (Contribution, "pledged_on"),
    "deposit": (Deposit, "received_on"),
    "approval": (FundingApproval, "approved_on"),
    "tranche": (Tranche, "paid_on"),
    "expenditure": (Expenditure, "spent_on"),
}


@pytest.mark.parametrize("kind", MONEY)
def test_no_money_is_dated_after_today(fund_manager, kind):
    model, field = MONEY[kind]

    with pytest.raises(ValidationError) as error:
        _write(kind, fund_manager, TOMORROW)

    assert error.value.error_dict[field][0].messages == [FUTURE]
    assert not model.objects.filter(**{field: TOMORROW}).exists()


@pytest.mark.parametrize("kind", MONEY)
def test_money_of_today_is_recorded(fund_manager, kind):
    _row, created = _write(kind, fund_manager, TODAY)

    assert created


@pytest.mark.parametrize("kind", MONEY)
def test_money_future_days_lets_money_be_dated_ahead_within_the_limit(fund_manager, settings, kind):
    settings.MONEY_FUTURE_DAYS = 10
    model, field = MONEY[kind]
    limit = TODAY + datetime.timedelta(days=10)

    _row, created = _write(kind, fund_manager, limit)
    with pytest.raises(ValidationError) as error:
        _write(kind, fund_manager, limit + datetime.timedelta(days=1))

    assert created
    assert error.value.error_dict[field][0].messages == [
        "This date is too far ahead: money may be dated at most 10 days after today, "
        "30 June 2024 at the latest, not 1 July 2024."
    ]
    assert not model.objects.filter(**{field: limit + datetime.timedelta(days=1)}).exists()


def test_contribution_page_refuses_a_pledge_dated_tomorrow(client_for, fund_manager):
    data = {
        "token": str(uuid.uuid4()),
        "donor": OrganisationFactory().pk,
        "mechanism": Mechanism.objects.get(code="tf").pk,
        "earmark_region": "",
        "earmark_pillar": "",
        "amount": "250000",
        "currency": "USD",
        "pledged_on": TOMORROW.isoformat(),
        "reference": "",
        "notes": "",
        "confirmed": "yes",
    }

    response = client_for(fund_manager).post("/funding/contributions/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors["pledged_on"] == [FUTURE]
    assert not Contribution.objects.exists()


def test_editing_a_pledge_to_a_date_ahead_is_refused(fund_manager):
    contribution = ContributionFactory()
    fields = {
        "donor": contribution.donor,
        "mechanism": contribution.mechanism,
        "earmark_region": None,
        "earmark_pillar": "",
        "amount": contribution.amount,
        "currency": "USD",
        "reference": "",
        "notes": "",
    }

    with pytest.raises(ValidationError) as error:
        services.edit_contribution(
            contribution.pk, by=fund_manager, version=1, pledged_on=TOMORROW, **fields
        )

    assert error.value.error_dict["pledged_on"][0].messages == [FUTURE]
    contribution.refresh_from_db()
    assert contribution.pledged_on == datetime.date(2024, 1, 15)


def test_an_imported_pledge_dated_tomorrow_is_refused_with_its_row(fund_manager):
    OrganisationFactory(name="Royaume de Suède", acronym="ASDI")
    lines = [
        "Donor,Mechanism,Pledged amount,Currency,Pledge date,"
        "Earmarked region,Earmarked pillar,Agreement reference,Notes",
        "ASDI,TF,1000.00,USD,2024-06-20,,,ACC-1,",
        f"ASDI,TF,2000.00,USD,{TOMORROW.isoformat()},,,ACC-2,",
    ]
    upload = SimpleUploadedFile("pledges.csv", "\n".join(lines).encode(), content_type="text/csv")

    with pytest.raises(imports.ImportFailed) as failed:
        imports.import_contributions(upload, by=fund_manager)

    (problem,) = failed.value.problems
    assert (problem.row, problem.message) == (3, FUTURE)
    assert not Contribution.objects.exists()


# --- Corrections in admin keep the dates -------------------------------------------------------


def test_deleting_the_first_approval_under_a_tranche_dated_before_the_next_is_refused(
    client_for, admin_user
):
    project = ProjectFactory(status=Project.Status.ONGOING)
    first = FundingApprovalFactory(
        project=project, amount=D("20000"), approved_on=datetime.date(2024, 2, 15)
    )
    FundingApprovalFactory(
        project=project, amount=D("20000"), approved_on=datetime.date(2024, 4, 1)
    )
    TrancheFactory(project=project, amount=D("10000"), paid_on=datetime.date(2024, 3, 1))

    response = client_for(admin_user).post(
        f"/admin/funding/fundingapproval/{first.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert FundingApproval.objects.filter(pk=first.pk).exists()
    assert services.deletion_problems(first) == [
        "Without this approval, a tranche would be dated before the first approval."
    ]


def test_deleting_the_first_tranche_under_unflagged_spending_is_refused(client_for, admin_user):
    project = _project()
    first = TrancheFactory(project=project, amount=D("10000"), paid_on=datetime.date(2024, 3, 1))
    TrancheFactory(project=project, amount=D("10000"), paid_on=datetime.date(2024, 5, 1))
    ExpenditureFactory(project=project, amount=D("100"), spent_on=datetime.date(2024, 4, 1))

    response = client_for(admin_user).post(
        f"/admin/funding/tranche/{first.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Tranche.objects.filter(pk=first.pk).exists()


def test_deleting_a_later_tranche_is_allowed(client_for, admin_user):
    project = _project()
    TrancheFactory(project=project, amount=D("10000"), paid_on=datetime.date(2024, 3, 1))
    later = TrancheFactory(project=project, amount=D("10000"), paid_on=datetime.date(2024, 5, 1))
    ExpenditureFactory(project=project, amount=D("100"), spent_on=datetime.date(2024, 4, 1))

    response = client_for(admin_user).post(
        f"/admin/funding/tranche/{later.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Tranche.objects.filter(pk=later.pk).exists()
