"""Once funding is approved, a project keeps the currency and mechanism its
money is counted in, and the region and pillar its funders' earmarks allow."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from funding.models import Mechanism
from projects import services
from projects.models import Project
from regions.models import Region
from tests.factories import (
    ContributionFactory,
    ExchangeRateFactory,
    FundingApprovalFactory,
    ProjectFactory,
)


@pytest.fixture(autouse=True)
def euro_rate_this_month(db):
    ExchangeRateFactory(
        currency="EUR", month=datetime.date.today().replace(day=1), units_per_usd="0.9"
    )


@pytest.fixture
def funded_qip(db, hq_user):
    project = ProjectFactory(status=Project.Status.APPROVED, created_by=hq_user)
    FundingApprovalFactory(project=project, amount=Decimal("40000"))
    return project


def test_funded_project_keeps_its_currency(hq_user, funded_qip):
    with pytest.raises(ValidationError) as error:
        services.edit_project(funded_qip, by=hq_user, version=1, budget_currency="EUR")

    assert "budget_currency" in error.value.error_dict
    funded_qip.refresh_from_db()
    assert funded_qip.budget_currency == "USD"


def test_funded_project_keeps_its_currency_when_the_object_passed_already_holds_the_new_one(
    hq_user, funded_qip
):
    # As a ModelForm's instance does once the form is valid: the service
    # compares with the project as saved, not with the object it is given.
    funded_qip.budget_currency = "EUR"

    with pytest.raises(ValidationError) as error:
        services.edit_project(funded_qip, by=hq_user, version=1, budget_currency="EUR")

    assert "budget_currency" in error.value.error_dict
    assert Project.objects.get(pk=funded_qip.pk).budget_currency == "USD"


def test_funded_project_budget_stays_at_or_above_what_is_approved(hq_user, funded_qip):
    with pytest.raises(ValidationError) as error:
        services.edit_project(funded_qip, by=hq_user, version=1, budget_amount=Decimal("39999.99"))

    assert list(error.value.error_dict) == ["budget_amount"]
    saved = services.edit_project(funded_qip, by=hq_user, version=1, budget_amount=Decimal("40000"))
    assert saved.budget_amount == Decimal("40000")


def test_money_basis_problems_name_each_field(hq_user, funded_qip):
    pbf = Mechanism.objects.get(code="pbf")
    with transaction.atomic():
        problems = services.money_basis_problems(
            funded_qip.pk,
            {
                "mechanism": pbf,
                "window": pbf.windows.first(),
                "budget_currency": "EUR",
                "budget_amount": Decimal("1"),
                "title": "Autre titre",
            },
        )

    assert set(problems) == {"mechanism", "window", "budget_currency", "budget_amount"}


def test_funded_project_keeps_its_mechanism(hq_user, funded_qip):
    pbf = Mechanism.objects.get(code="pbf")
    with pytest.raises(ValidationError) as error:
        services.edit_project(
            funded_qip, by=hq_user, version=1, mechanism=pbf, window=pbf.windows.first()
        )
    assert "mechanism" in error.value.error_dict


def test_project_funded_by_gao_money_cannot_move_to_another_region(hq_user):
    tf = Mechanism.objects.get(code="tf")
    gao = Region.objects.get(code="ML-7")
    project = ProjectFactory(
        mechanism=tf,
        status=Project.Status.APPROVED,
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 12, 31),
    )
    FundingApprovalFactory(
        project=project, contribution=ContributionFactory(mechanism=tf, earmark_region=gao)
    )

    with pytest.raises(ValidationError) as error:
        services.edit_project(
            project, by=hq_user, version=1, region=Region.objects.get(code="ML-5"), priority=None
        )

    assert "Gao" in " ".join(error.value.messages)
    project.refresh_from_db()
    assert project.region == gao


def test_unfunded_project_changes_currency_freely(hq_user):
    project = ProjectFactory(budget_amount=Decimal("30000"))
    saved = services.edit_project(project, by=hq_user, version=1, budget_currency="EUR")
    assert saved.budget_currency == "EUR"
