"""The tranche form proposes the schedule's step as well as its amount: the
next step not yet paid, pre-selected, with its share of what is approved;
each step shows its percentage, its amount and the tranche that paid it. A
step paid already, or more than a step's share, is refused with the figures,
and nothing is written."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from funding.models import Tranche, TrancheStep
from tests.factories import FundingApprovalFactory, ProjectFactory, TrancheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _steps():
    """The QIP schedule: 80 % at signature, 20 % at completion."""
    return list(TrancheStep.objects.filter(mechanism__code="qip").order_by("sequence"))


def _funded(**kwargs):
    project = ProjectFactory(**kwargs)
    FundingApprovalFactory(project=project, amount=Decimal("40000"))
    return project


def _path(project) -> str:
    return f"/projects/{project.pk}/money/tranches/new/"


def _data(step, amount, **changes) -> dict:
    return {
        "token": str(uuid.uuid4()),
        "amount": amount,
        "currency": "USD",
        "paid_on": "2024-05-02",
        "reference": "TRF-2024-0042",
        "step": step.pk if step else "",
    } | changes


def _english_day(day: datetime.date) -> str:
    with translation.override("en"):
        return date_format(day)


def test_the_form_preselects_the_next_unpaid_step_and_proposes_its_amount(client_for, fund_manager):
    signature, completion = _steps()
    project = _funded(status="completed")
    TrancheFactory(
        project=project,
        step=signature,
        amount=Decimal("32000"),
        reference="TRF-0815",
        paid_on=datetime.date(2024, 3, 4),
    )

    response = client_for(fund_manager).get(_path(project))

    form = response.context["form"]
    assert form["step"].value() == completion.pk
    assert form["amount"].value() == Decimal("8000")
    paid = _english_day(datetime.date(2024, 3, 4))
    assert f"80\xa0% at signature — 32,000.00\xa0USD — paid: TRF-0815 of {paid}" in response.text
    assert "20\xa0% at completion — 8,000.00\xa0USD</option>" in response.text


def test_before_any_tranche_the_first_step_and_its_share_are_proposed(client_for, fund_manager):
    signature, _completion = _steps()
    project = _funded()

    response = client_for(fund_manager).get(_path(project))

    form = response.context["form"]
    assert (form["step"].value(), form["amount"].value()) == (signature.pk, Decimal("32000"))
    assert "80\xa0% at signature — 32,000.00\xa0USD</option>" in response.text


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_step_already_paid_is_refused_naming_its_tranche(client_for, fund_manager, confirmed):
    signature, _completion = _steps()
    project = _funded()
    TrancheFactory(
        project=project,
        step=signature,
        amount=Decimal("20000"),
        reference="TRF-0815",
        paid_on=datetime.date(2024, 3, 4),
    )
    data = _data(signature, "5000") | ({"confirmed": "yes"} if confirmed else {})

    response = client_for(fund_manager).post(_path(project), data)

    assert response.status_code == 200
    assert response.context["form"].errors["step"] == [
        f"The step “80\xa0% at signature” is already paid: tranche TRF-0815 of "
        f"{_english_day(datetime.date(2024, 3, 4))}. Choose a step not yet paid, or no step."
    ]
    assert Tranche.objects.count() == 1


@pytest.mark.parametrize("confirmed", [False, True])
def test_more_than_a_steps_share_is_refused_with_the_figures(client_for, fund_manager, confirmed):
    signature, _completion = _steps()
    project = _funded()
    data = _data(signature, "32000.01") | ({"confirmed": "yes"} if confirmed else {})

    response = client_for(fund_manager).post(_path(project), data)

    assert response.context["form"].errors["amount"] == [
        "The step “80\xa0% at signature” pays 32,000.00\xa0USD of the 40,000.00\xa0USD approved; "
        "this tranche is 32,000.01\xa0USD."
    ]
    assert not Tranche.objects.exists()


def test_a_steps_share_is_recorded_with_its_step(client_for, fund_manager):
    signature, _completion = _steps()
    project = _funded()

    client_for(fund_manager).post(_path(project), _data(signature, "32000", confirmed="yes"))

    tranche = Tranche.objects.get()
    assert (tranche.step, tranche.amount) == (signature, Decimal("32000"))


def test_the_service_refuses_a_paid_step_and_more_than_a_share_without_the_form(fund_manager):
    """The step rule holds on every path into the data, not only the form."""
    from django.core.exceptions import ValidationError

    from funding import services

    signature, _completion = _steps()
    project = _funded()
    with pytest.raises(ValidationError) as too_much:
        services.record_tranche(
            project,
            by=fund_manager,
            amount=Decimal("32000.01"),
            currency="USD",
            paid_on=datetime.date(2024, 5, 2),
            reference="TRF-1",
            step=signature,
        )
    assert "32,000.00" in too_much.value.message_dict["amount"][0]
    TrancheFactory(project=project, step=signature, amount=Decimal("20000"), reference="TRF-0815")
    with pytest.raises(ValidationError) as paid:
        services.record_tranche(
            project,
            by=fund_manager,
            amount=Decimal("1000"),
            currency="USD",
            paid_on=datetime.date(2024, 5, 2),
            reference="TRF-2",
            step=signature,
        )
    assert "TRF-0815" in paid.value.message_dict["step"][0]
    assert Tranche.objects.count() == 1
