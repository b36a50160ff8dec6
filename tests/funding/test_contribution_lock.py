"""A contribution keeps its basis: once a funding approval is charged to it,
its donor, mechanism, currency and earmark (region, pillar) stay as the
approval was decided on, whatever the page posts; admin never edits it."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from funding import services
from funding.models import Contribution, Mechanism
from regions.models import Pillar, Region
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExchangeRateFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}
KEPT = (
    "The funding approval COPIL-FF-2024-03 is charged to this contribution: it keeps the "
    "donor, mechanism, currency and earmark the approval was decided on."
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2024, 6, 20, 10, 0), tick=False):
        yield


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def charged():
    """USD 1,000,000 pledged to the Trust Fund, earmarked for Gao, 600,000
    received, 250,000 of it approved for a project in Gao."""
    contribution = ContributionFactory(
        donor=OrganisationFactory(name="Royaume de Suède"),
        earmark_region=Region.objects.get(code="ML-7"),
        reference="CONV-SE-2024",
    )
    DepositFactory(contribution=contribution, amount=Decimal("600000"))
    FundingApprovalFactory(
        contribution=contribution,
        project=ProjectFactory(mechanism=contribution.mechanism),
        amount=Decimal("250000"),
        decision_reference="COPIL-FF-2024-03",
    )
    return contribution


def _edit_data(contribution: Contribution, **changes) -> dict:
    data = {
        "version": contribution.version,
        "donor": contribution.donor_id,
        "mechanism": contribution.mechanism_id,
        "earmark_region": contribution.earmark_region_id or "",
        "earmark_pillar": contribution.earmark_pillar,
        "amount": str(contribution.amount),
        "currency": contribution.currency,
        "pledged_on": contribution.pledged_on.isoformat(),
        "reference": contribution.reference,
        "notes": contribution.notes,
    }
    return data | changes


def _as_saved(contribution: Contribution) -> tuple:
    row = Contribution.objects.get(pk=contribution.pk)
    return (
        row.donor_id,
        row.mechanism_id,
        row.currency,
        row.earmark_region_id,
        row.earmark_pillar,
        row.amount,
        row.reference,
        row.version,
    )


CHANGES = {
    "donor": lambda: {"donor": OrganisationFactory(name="Royaume de Norvège").pk},
    "mechanism": lambda: {"mechanism": Mechanism.objects.get(code="pbf").pk},
    "currency": lambda: {"currency": "EUR"},
    "earmark_region": lambda: {"earmark_region": Region.objects.get(code="ML-5").pk},
    "earmark_pillar": lambda: {"earmark_pillar": Pillar.SOCIAL_COHESION.value},
}


# --- Through the page -------------------------------------------------------------------------


@pytest.mark.parametrize("field", CHANGES)
@pytest.mark.parametrize("confirmed", [{}, CONFIRMED])
def test_page_refuses_to_change_the_basis_of_a_charged_contribution(
    client_for, fund_manager, charged, field, confirmed
):
    before = _as_saved(charged)
    client = _english(client_for(fund_manager))

    response = client.post(
        f"/funding/contributions/{charged.pk}/edit/",
        _edit_data(charged, **CHANGES[field]()) | confirmed,
    )

    assert response.status_code == 200
    assert "funding/contribution_form.html" in [t.name for t in response.templates]
    assert response.context["form"].errors[field] == [KEPT]
    assert KEPT.replace("'", "&#x27;") in response.text
    assert _as_saved(charged) == before
    assert charged.history.count() == 1


def test_page_names_each_field_changed_at_once(client_for, fund_manager, charged):
    changes = CHANGES["donor"]() | CHANGES["earmark_region"]() | {"reference": "CONV-2"}

    response = _english(client_for(fund_manager)).post(
        f"/funding/contributions/{charged.pk}/edit/", _edit_data(charged, **changes) | CONFIRMED
    )

    errors = response.context["form"].errors
    assert errors["donor"] == errors["earmark_region"] == [KEPT]
    assert Contribution.objects.get(pk=charged.pk).reference == "CONV-SE-2024"


def test_page_refuses_a_pledge_below_what_is_charged(client_for, fund_manager, charged):
    before = _as_saved(charged)

    response = _english(client_for(fund_manager)).post(
        f"/funding/contributions/{charged.pk}/edit/",
        _edit_data(charged, amount="200000") | CONFIRMED,
    )

    # The 250,000 charged came out of the 600,000 received, under which the
    # pledge never falls.
    assert response.context["form"].errors["amount"] == [
        "600,000.00\xa0USD is already received: the pledge cannot be less."
    ]
    assert _as_saved(charged) == before


def test_charged_contribution_keeps_its_other_fields_editable(client_for, fund_manager, charged):
    response = _english(client_for(fund_manager)).post(
        f"/funding/contributions/{charged.pk}/edit/",
        _edit_data(charged, reference="CONV-SE-2024-bis", amount="1200000", notes="Avenant 1")
        | CONFIRMED,
    )

    assert response.status_code == 302
    saved = Contribution.objects.get(pk=charged.pk)
    assert (saved.reference, saved.amount, saved.notes) == (
        "CONV-SE-2024-bis",
        Decimal("1200000"),
        "Avenant 1",
    )


def test_contribution_without_charged_approvals_stays_editable(client_for, fund_manager):
    ExchangeRateFactory(currency="EUR", month=datetime.date(2024, 1, 1), units_per_usd="0.9")
    contribution = ContributionFactory(earmark_region=Region.objects.get(code="ML-7"))
    changes = {key: value for change in CHANGES.values() for key, value in change().items()}

    response = _english(client_for(fund_manager)).post(
        f"/funding/contributions/{contribution.pk}/edit/",
        _edit_data(contribution, **changes) | CONFIRMED,
    )

    assert response.status_code == 302
    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.donor.name == "Royaume de Norvège"
    assert saved.mechanism.code == "pbf"
    assert (saved.currency, saved.amount_usd) == ("EUR", Decimal("1111111.11"))
    assert saved.earmark_region.code == "ML-5"
    assert saved.earmark_pillar == Pillar.SOCIAL_COHESION


# --- The service -------------------------------------------------------------------------------


def test_service_compares_with_the_database_not_with_an_instance_already_changed(
    fund_manager, charged
):
    # What a form's instance looks like once `is_valid()` copied the posted values.
    other = OrganisationFactory(name="Royaume de Norvège")
    charged.donor = other
    fields = {
        "donor": other,
        "mechanism": charged.mechanism,
        "earmark_region": charged.earmark_region,
        "earmark_pillar": "",
        "amount": charged.amount,
        "currency": "USD",
        "pledged_on": charged.pledged_on,
        "reference": charged.reference,
        "notes": "",
    }

    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.edit_contribution(charged.pk, by=fund_manager, version=1, **fields)

    assert error.value.message_dict == {"donor": [KEPT]}
    assert Contribution.objects.get(pk=charged.pk).donor.name == "Royaume de Suède"


def test_service_names_the_approvals_charged(fund_manager, charged):
    for number in (4, 5, 6):
        FundingApprovalFactory(
            contribution=charged,
            project=ProjectFactory(mechanism=charged.mechanism),
            decision_reference=f"COPIL-FF-2024-0{number}",
        )
    fields = {
        "donor": charged.donor,
        "mechanism": Mechanism.objects.get(code="pbf"),
        "earmark_region": charged.earmark_region,
        "earmark_pillar": "",
        "amount": charged.amount,
        "currency": "USD",
        "pledged_on": charged.pledged_on,
        "reference": "",
        "notes": "",
    }

    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.edit_contribution(charged.pk, by=fund_manager, version=1, **fields)

    assert error.value.message_dict["mechanism"] == [
        "4 funding approvals (COPIL-FF-2024-03, COPIL-FF-2024-04, COPIL-FF-2024-05, …) are "
        "charged to this contribution: it keeps the donor, mechanism, currency and earmark "
        "they were decided on."
    ]


# --- Admin ----------------------------------------------------------------------------------


def test_admin_shows_a_charged_contribution_without_fields_to_change(
    client_for, admin_user, charged
):
    page = client_for(admin_user).get(f"/admin/funding/contribution/{charged.pk}/change/")

    assert page.status_code == 200
    assert str(charged) in page.text
    for field in ("donor", "mechanism", "currency", "earmark_region", "earmark_pillar"):
        assert f'name="{field}"' not in page.text


def test_admin_post_changes_nothing_on_a_charged_contribution(client_for, admin_user, charged):
    before = _as_saved(charged)
    data = _edit_data(charged, **CHANGES["donor"](), **CHANGES["earmark_region"]())

    response = client_for(admin_user).post(
        f"/admin/funding/contribution/{charged.pk}/change/", data
    )

    assert response.status_code == 403
    assert _as_saved(charged) == before
    assert charged.history.count() == 1
