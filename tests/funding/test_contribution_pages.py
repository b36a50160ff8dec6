"""Contributions and deposits: the list with its filters and totals, one
contribution's page, and recording, editing and receiving money through the
confirmation step, for each role."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings

from funding.models import Contribution, Deposit, Mechanism
from regions.models import Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExchangeRateFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
)

TODAY = datetime.date(2024, 6, 20)
READERS = ["hq_user", "fund_manager", "gao_officer", "viewer", "no_role_user", "admin_user"]
MONEY_MANAGERS = ["fund_manager", "admin_user"]
OTHERS = ["hq_user", "gao_officer", "viewer"]


@pytest.fixture(autouse=True)
def _today():
    # Pledges and deposits of 2024, none of them in the future.
    with time_machine.travel(datetime.datetime(2024, 6, 20, 10, 0), tick=False):
        yield


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _errors(response) -> dict:
    return response.context["form"].errors


def _contribution_data(**changes) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "donor": OrganisationFactory(name="Royaume de Suède", acronym="SE").pk,
        "mechanism": Mechanism.objects.get(code="tf").pk,
        "earmark_region": "",
        "earmark_pillar": "",
        "amount": "250000",
        "currency": "USD",
        "pledged_on": "2024-03-10",
        "reference": "CONV-2024-01",
        "notes": "",
    }
    return data | changes


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


def _deposit_data(**changes) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "amount": "400000",
        "currency": "USD",
        "received_on": "2024-04-02",
        "reference": "VIR-2024-118",
        "is_increase": "",
    }
    return data | changes


CONFIRMED = {"confirmed": "yes"}
SIGN_IN = "/accounts/login/"

pytestmark = pytest.mark.django_db


# --- Reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_signed_in_role_reads_the_list_and_a_contribution(client_for, request, role):
    contribution = ContributionFactory(donor=OrganisationFactory(name="Royaume de Norvège"))
    client = client_for(request.getfixturevalue(role))

    listing = client.get("/funding/contributions/")
    page = client.get(f"/funding/contributions/{contribution.pk}/")

    assert listing.status_code == page.status_code == 200
    assert "Royaume de Norvège" in listing.text
    assert "Royaume de Norvège" in page.text


@pytest.mark.parametrize(
    "url", ["/funding/contributions/", "/funding/contributions/export.csv", "/funding/rates/"]
)
def test_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_list_shows_each_contributions_figures_and_the_totals_in_usd(client_for, viewer):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 1, 1), units_per_usd=600)
    xof = ContributionFactory(
        donor=OrganisationFactory(name="Coopération locale"),
        amount=Decimal("300000000"),
        currency="XOF",
        amount_usd=Decimal("500000"),
    )
    usd = ContributionFactory(donor=OrganisationFactory(name="Royaume de Suède"))
    DepositFactory(contribution=usd, amount=Decimal("400000"))
    DepositFactory(contribution=usd, amount=Decimal("50000"), is_increase=True)
    FundingApprovalFactory(
        contribution=usd,
        project=ProjectFactory(mechanism=usd.mechanism),
        amount=Decimal("150000"),
    )
    client = _english(client_for(viewer))

    response = client.get("/funding/contributions/")

    rows = {row.pk: row for row in response.context["page_obj"].object_list}
    assert (rows[usd.pk].pledged_usd, rows[usd.pk].received_usd) == (1050000, 450000)
    assert (rows[usd.pk].approved_usd, rows[usd.pk].available_usd) == (150000, 300000)
    assert (rows[xof.pk].pledged_amount, rows[xof.pk].pledged_usd) == (300000000, 500000)
    totals = response.context["totals"]
    assert totals["count"] == 2
    assert (totals["pledged"], totals["received"]) == (1550000, 450000)
    assert (totals["approved"], totals["available"]) == (150000, 300000)
    assert "300,000,000.00\xa0XOF" in response.text
    assert "1,550,000.00\xa0USD" in response.text


def test_record_and_import_links_only_for_money_managers(client_for, fund_manager, viewer):
    managers = client_for(fund_manager).get("/funding/contributions/").text
    readers = client_for(viewer).get("/funding/contributions/").text

    assert "/funding/contributions/new/" in managers
    assert "/funding/contributions/import/" in managers
    assert "/funding/contributions/new/" not in readers
    assert "/funding/contributions/import/" not in readers


def test_contribution_page_shows_deposits_approvals_balance_and_history(client_for, fund_manager):
    fund_manager.first_name, fund_manager.last_name = "Awa", "Keïta"
    fund_manager.save()
    contribution = ContributionFactory(reference="CONV-SE-2024")
    DepositFactory(
        contribution=contribution,
        amount=Decimal("600000"),
        reference="VIR-0042",
        recorded_by=fund_manager,
    )
    project = ProjectFactory(code="TF-2024-GAO-003", mechanism=contribution.mechanism)
    FundingApprovalFactory(
        contribution=contribution,
        project=project,
        amount=Decimal("250000"),
        decision_reference="CD-FF-2024-07",
    )
    client = _english(client_for(fund_manager))
    client.post(
        f"/funding/contributions/{contribution.pk}/edit/",
        _edit_data(contribution, reference="CONV-SE-2024-bis") | CONFIRMED,
    )

    response = client.get(f"/funding/contributions/{contribution.pk}/")

    text = response.text
    assert "VIR-0042" in text and "Awa Keïta" in text
    assert f'href="/projects/{project.pk}/">TF-2024-GAO-003</a>' in text
    assert "CD-FF-2024-07" in text
    figures = response.context["contribution"]
    assert (figures.received_usd, figures.approved_usd, figures.available_usd) == (
        600000,
        250000,
        350000,
    )
    assert "350,000.00\xa0USD" in text
    assert "agreement reference: CONV-SE-2024 → CONV-SE-2024-bis" in text
    assert f"/funding/contributions/{contribution.pk}/deposits/new/" in text
    assert f"/funding/contributions/{contribution.pk}/edit/" in text


def test_contribution_page_hides_the_buttons_from_readers(client_for, viewer):
    contribution = ContributionFactory()

    text = client_for(viewer).get(f"/funding/contributions/{contribution.pk}/").text

    assert f"/funding/contributions/{contribution.pk}/deposits/new/" not in text
    assert f"/funding/contributions/{contribution.pk}/edit/" not in text


def test_unknown_contribution_is_404(client_for, viewer):
    assert client_for(viewer).get("/funding/contributions/999999/").status_code == 404


# --- Filters, sorting and pagination -------------------------------------------------------


def _pks(response) -> set[int]:
    return {row.pk for row in response.context["page_obj"].object_list}


def test_list_filters_by_mechanism_code_donor_region_year_and_currency(client_for, viewer):
    gao = Region.objects.get(code="ML-7")
    donor = OrganisationFactory()
    tf_gao = ContributionFactory(earmark_region=gao, donor=donor)
    pbf = ContributionFactory(mechanism=Mechanism.objects.get(code="pbf"))
    old = ContributionFactory(pledged_on=datetime.date(2022, 5, 1))
    euro = ContributionFactory(currency="EUR", amount_usd=Decimal("1080000"))
    client = client_for(viewer)

    def listed(**query):
        response = client.get("/funding/contributions/", query)
        assert response.status_code == 200
        return _pks(response)

    assert listed(mechanism="pbf") == {pbf.pk}
    assert listed(mechanism="tf") == {tf_gao.pk, old.pk, euro.pk}
    assert listed(donor=donor.pk) == {tf_gao.pk}
    assert listed(region="ML-7") == {tf_gao.pk}
    assert listed(region="none") == {pbf.pk, old.pk, euro.pk}
    assert listed(year=2022) == {old.pk}
    assert listed(currency="EUR") == {euro.pk}
    assert listed(mechanism="tf", year=2024) == {tf_gao.pk, euro.pk}


def test_an_invalid_filter_shows_its_error_and_no_rows(client_for, viewer):
    ContributionFactory()

    response = client_for(viewer).get("/funding/contributions/", {"mechanism": "nope"})

    assert response.status_code == 200
    assert "mechanism" in response.context["filter"].form.errors
    assert not _pks(response)
    assert response.context["totals"]["count"] == 0


def test_list_sorts_by_what_is_available(client_for, viewer):
    low, high = ContributionFactory(), ContributionFactory()
    DepositFactory(contribution=low, amount=Decimal("10"))
    DepositFactory(contribution=high, amount=Decimal("900"))

    response = client_for(viewer).get("/funding/contributions/", {"ordering": "-available"})

    assert [row.pk for row in response.context["page_obj"].object_list] == [high.pk, low.pk]


def test_list_shows_25_contributions_a_page_and_totals_every_filtered_one(client_for, viewer):
    ContributionFactory.create_batch(27, amount=Decimal("1000"))
    ContributionFactory(mechanism=Mechanism.objects.get(code="pbf"))
    client = client_for(viewer)

    first = client.get("/funding/contributions/", {"mechanism": "tf"})
    second = client.get("/funding/contributions/", {"mechanism": "tf", "page": 2})

    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 2
    assert not _pks(first) & _pks(second)
    assert first.context["totals"]["count"] == 27
    assert first.context["totals"]["pledged"] == Decimal("27000")
    assert "mechanism=tf&amp;page=2" in first.text


@pytest.mark.parametrize("n", [1, 8])
def test_list_query_count_does_not_grow_with_the_rows(
    client_for, fund_manager, django_assert_num_queries, n
):
    for _i in range(n):
        contribution = ContributionFactory(earmark_region=Region.objects.get(code="ML-7"))
        DepositFactory(contribution=contribution)
        FundingApprovalFactory(
            contribution=contribution, project=ProjectFactory(mechanism=contribution.mechanism)
        )
    client = client_for(fund_manager)
    # After the navigation's queries: the filter's choices of mechanisms,
    # donors and regions (3), the totals with the count of the filtered rows,
    # the approvals charged to no contribution (unfiltered: what remains
    # available to approve), and the page of contributions with donor,
    # mechanism, earmark and their figures as subqueries. Whether the user may
    # record needs no query.
    # And the person's saved filters of the list (1).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 6 + 1):
        response = client.get("/funding/contributions/", {"ordering": "-pledged"})
    assert len(response.context["page_obj"].object_list) == n


@pytest.mark.parametrize("n", [1, 6])
def test_contribution_page_query_count_does_not_grow(
    client_for, fund_manager, django_assert_num_queries, n
):
    contribution = ContributionFactory(earmark_region=Region.objects.get(code="ML-7"))
    for i in range(n):
        DepositFactory(contribution=contribution, recorded_by=fund_manager)
        FundingApprovalFactory(
            contribution=contribution, project=ProjectFactory(mechanism=contribution.mechanism)
        )
        contribution.reference = f"CONV-{i}"
        contribution.save()
    client = client_for(fund_manager)
    # After the navigation's queries: the contribution with donor, mechanism,
    # earmark and figures; its deposits with who recorded them; the approvals
    # with their projects; its history with the people and rows it names.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4):
        response = client.get(f"/funding/contributions/{contribution.pk}/")
    assert len(response.context["history"]) == n + 1


# --- Recording a contribution -------------------------------------------------------------


@pytest.mark.parametrize("role", MONEY_MANAGERS)
def test_money_managers_record_a_contribution_once_confirmed(client_for, request, role):
    client = _english(client_for(request.getfixturevalue(role)))
    assert client.get("/funding/contributions/new/").status_code == 200

    response = client.post("/funding/contributions/new/", _contribution_data() | CONFIRMED)

    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response.url == f"/funding/contributions/{contribution.pk}/"
    assert (contribution.amount, contribution.amount_usd) == (250000, 250000)
    assert contribution.recorded_by == request.getfixturevalue(role)
    assert "The contribution was recorded." in _messages(client.get(response.url))


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_cannot_record_a_contribution(client_for, request, role):
    client = client_for(request.getfixturevalue(role))

    assert client.get("/funding/contributions/new/").status_code == 403
    response = client.post("/funding/contributions/new/", _contribution_data() | CONFIRMED)

    assert response.status_code == 403
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["/funding/contributions/new/", "/funding/contributions/{pk}/edit/"]
    + ["/funding/contributions/{pk}/deposits/new/"],
)
def test_anonymous_visitor_cannot_reach_the_write_pages(client, url):
    contribution = ContributionFactory()
    url = url.format(pk=contribution.pk)

    assert client.get(url).url.startswith(SIGN_IN)
    assert client.post(url, _deposit_data() | CONFIRMED).url.startswith(SIGN_IN)
    assert not Deposit.objects.exists()
    assert Contribution.objects.count() == 1


def test_contribution_form_shows_what_will_be_recorded_before_writing(client_for, fund_manager):
    client = client_for(fund_manager)

    response = client.post("/funding/contributions/new/", _contribution_data())

    assert response.status_code == 200
    assert "funding/confirm.html" in [t.name for t in response.templates]
    assert "250\xa0000,00\xa0USD" in response.text  # the amount, in French
    assert "<dd>SE — Royaume de Suède</dd>" in response.text  # the donor, by its label
    assert 'name="confirmed" value="yes"' in response.text
    assert not Contribution.objects.exists()


def test_donor_is_a_search_field_sorted_by_label_with_the_full_name(client_for, fund_manager):
    OrganisationFactory(name="Royaume de Suède", acronym="SE")
    OrganisationFactory(name="Agence française de développement", acronym="AFD")
    OrganisationFactory(name="Fondation Tilwat", acronym="")

    response = client_for(fund_manager).get("/funding/contributions/new/")

    labels = [label for _value, label in response.context["form"].fields["donor"].choices][1:]
    assert labels == [
        "AFD — Agence française de développement",
        "Fondation Tilwat",
        "SE — Royaume de Suède",
    ]
    assert "data-search-select" in response.text
    assert 'src="/static/js/search-select.js" defer' in response.text


def test_change_on_the_confirmation_goes_back_to_the_form(client_for, fund_manager):
    response = client_for(fund_manager).post(
        "/funding/contributions/new/", _contribution_data() | {"change": "yes"}
    )

    assert "funding/contribution_form.html" in [t.name for t in response.templates]
    assert response.context["form"]["amount"].value() == "250000"
    assert not Contribution.objects.exists()


def test_the_same_confirmed_form_posted_twice_records_one_contribution(client_for, fund_manager):
    client = _english(client_for(fund_manager))
    data = _contribution_data() | CONFIRMED

    client.post("/funding/contributions/new/", data)
    again = client.post("/funding/contributions/new/", data, follow=True)

    assert Contribution.objects.count() == 1
    assert "This form had already been sent: the contribution is recorded once." in _messages(again)


def test_a_french_amount_is_understood(client_for, fund_manager):
    client_for(fund_manager).post(
        "/funding/contributions/new/", _contribution_data(amount="1 234,56") | CONFIRMED
    )

    assert Contribution.objects.get().amount == Decimal("1234.56")


def test_a_pledge_in_another_currency_is_fixed_in_usd_at_its_months_rate(client_for, fund_manager):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 3, 1), units_per_usd=600)

    client_for(fund_manager).post(
        "/funding/contributions/new/",
        _contribution_data(amount="300000000", currency="XOF") | CONFIRMED,
    )

    assert Contribution.objects.get().amount_usd == Decimal("500000.00")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"amount": "-500"}, "amount", "The amount must be more than zero."),
        ({"amount": "deux cents"}, "amount", "Enter an amount, e.g. 12 500,00 or 12500."),
        ({"currency": "ZZZ"}, "currency", "Select a valid choice. ZZZ is not one of"),
        (
            {"currency": "XOF"},
            "pledged_on",
            "No exchange rate for XOF in March 2024: record that month's UN rate first.",
        ),
    ],
)
def test_bad_contribution_is_refused_with_a_clear_message(
    client_for, fund_manager, changes, field, message
):
    data = _contribution_data(**changes)
    for confirmed in ({}, CONFIRMED):
        response = _english(client_for(fund_manager)).post(
            "/funding/contributions/new/", data | confirmed
        )

        assert response.status_code == 200
        assert any(error.startswith(message) for error in _errors(response)[field])
        assert message.replace("'", "&#x27;") in response.text
    assert not Contribution.objects.exists()


# --- Editing a contribution ---------------------------------------------------------------


@pytest.mark.parametrize("role", MONEY_MANAGERS)
def test_money_managers_edit_a_contribution_once_confirmed(client_for, request, role):
    contribution = ContributionFactory(reference="CONV-1")
    client = _english(client_for(request.getfixturevalue(role)))
    assert client.get(f"/funding/contributions/{contribution.pk}/edit/").status_code == 200
    url = f"/funding/contributions/{contribution.pk}/edit/"

    unconfirmed = client.post(url, _edit_data(contribution, reference="CONV-2"))
    assert Contribution.objects.get().reference == "CONV-1"
    assert "funding/confirm.html" in [t.name for t in unconfirmed.templates]
    response = client.post(url, _edit_data(contribution, reference="CONV-2") | CONFIRMED)

    assert response.status_code == 302
    edited = Contribution.objects.get()
    assert (edited.reference, edited.version) == ("CONV-2", 2)
    assert "The contribution was saved." in _messages(client.get(response.url))


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_cannot_edit_a_contribution(client_for, request, role):
    contribution = ContributionFactory(reference="CONV-1")
    client = client_for(request.getfixturevalue(role))
    url = f"/funding/contributions/{contribution.pk}/edit/"

    assert client.get(url).status_code == 403
    response = client.post(url, _edit_data(contribution, reference="CONV-2") | CONFIRMED)

    assert response.status_code == 403
    assert Contribution.objects.get().reference == "CONV-1"


def test_pledge_below_what_was_received_is_refused(client_for, fund_manager):
    contribution = ContributionFactory()
    DepositFactory(contribution=contribution, amount=Decimal("600000"))

    response = _english(client_for(fund_manager)).post(
        f"/funding/contributions/{contribution.pk}/edit/",
        _edit_data(contribution, amount="500000") | CONFIRMED,
    )

    assert response.status_code == 200
    assert "600,000.00\xa0USD is already received: the pledge cannot be less." in response.text
    assert Contribution.objects.get().amount == Decimal("1000000")


def test_saving_an_outdated_contribution_form_is_a_conflict(client_for, fund_manager, admin_user):
    fund_manager.first_name, fund_manager.last_name = "Awa", "Keïta"
    fund_manager.save()
    contribution = ContributionFactory(reference="CONV-1")
    opened_by_both = _edit_data(contribution)
    url = f"/funding/contributions/{contribution.pk}/edit/"
    client_for(fund_manager).post(url, opened_by_both | {"reference": "CONV-AWA"} | CONFIRMED)
    client = _english(client_for(admin_user))

    response = client.post(url, opened_by_both | {"amount": "1200000"} | CONFIRMED)

    assert response.status_code == 409
    assert "Awa Keïta saved this record" in response.text
    assert "agreement reference: CONV-1 → CONV-AWA" in response.text
    saved = Contribution.objects.get()
    assert (saved.reference, saved.amount, saved.version) == ("CONV-AWA", 1000000, 2)
    # The form, sent again, applies the second person's values over the first's.
    form = response.context["form"]
    assert (form["version"].value(), form["amount"].value()) == (2, "1200000")
    client.post(url, opened_by_both | {"amount": "1200000", "version": 2} | CONFIRMED)
    assert Contribution.objects.get().amount == Decimal("1200000")


def test_a_conflict_found_at_the_confirmation_step_is_a_conflict_too(
    client_for, fund_manager, admin_user
):
    contribution = ContributionFactory(reference="CONV-1")
    url = f"/funding/contributions/{contribution.pk}/edit/"
    opened = _edit_data(contribution)
    client_for(fund_manager).post(url, opened | {"reference": "CONV-AWA"} | CONFIRMED)

    response = client_for(admin_user).post(url, opened | {"amount": "1200000"})

    assert response.status_code == 409
    assert Contribution.objects.get().amount == Decimal("1000000")


# --- Deposits ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", MONEY_MANAGERS)
def test_money_managers_record_a_deposit_once_confirmed(client_for, request, role):
    contribution = ContributionFactory()
    client = _english(client_for(request.getfixturevalue(role)))
    url = f"/funding/contributions/{contribution.pk}/deposits/new/"
    form = client.get(url)
    assert form.context["form"]["currency"].value() == "USD"

    unconfirmed = client.post(url, _deposit_data())
    assert not Deposit.objects.exists()
    assert "400,000.00\xa0USD" in unconfirmed.text
    response = client.post(url, _deposit_data() | CONFIRMED)

    assert response.url == f"/funding/contributions/{contribution.pk}/"
    deposit = Deposit.objects.get()
    assert (deposit.contribution, deposit.amount, deposit.reference) == (
        contribution,
        400000,
        "VIR-2024-118",
    )
    assert "The deposit was recorded." in _messages(client.get(response.url))


def test_deposit_form_offers_the_currency_of_the_pledge(client_for, fund_manager):
    contribution = ContributionFactory(currency="EUR")

    form = client_for(fund_manager).get(f"/funding/contributions/{contribution.pk}/deposits/new/")

    assert form.context["form"]["currency"].value() == "EUR"


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_cannot_record_a_deposit(client_for, request, role):
    contribution = ContributionFactory()
    client = client_for(request.getfixturevalue(role))
    url = f"/funding/contributions/{contribution.pk}/deposits/new/"

    assert client.get(url).status_code == 403
    assert client.post(url, _deposit_data() | CONFIRMED).status_code == 403
    assert not Deposit.objects.exists()


def test_the_same_deposit_form_posted_twice_records_one_deposit(client_for, fund_manager):
    contribution = ContributionFactory()
    client = client_for(fund_manager)
    data = _deposit_data() | CONFIRMED
    url = f"/funding/contributions/{contribution.pk}/deposits/new/"

    client.post(url, data)
    client.post(url, data)

    assert Deposit.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"amount": "abc"}, "amount", "Enter an amount, e.g. 12 500,00 or 12500."),
        ({"currency": "XYZ"}, "currency", "Select a valid choice. XYZ is not one of"),
        (
            {"currency": "EUR"},
            "currency",
            "This contribution was pledged in USD: record its deposits in USD.",
        ),
        (
            {"amount": "1000000.01"},
            "amount",
            "This deposit would bring what was received to 1,000,000.01\xa0USD, above the "
            "1,000,000.00\xa0USD pledged.",
        ),
        ({"received_on": "2024-06-21"}, "received_on", "This date is in the future."),
    ],
)
def test_bad_deposit_is_refused_with_a_clear_message(
    client_for, fund_manager, changes, field, message
):
    contribution = ContributionFactory()

    response = _english(client_for(fund_manager)).post(
        f"/funding/contributions/{contribution.pk}/deposits/new/",
        _deposit_data(**changes) | CONFIRMED,
    )

    assert response.status_code == 200
    assert any(error.startswith(message) for error in _errors(response)[field])
    assert message in response.text
    assert not Deposit.objects.exists()


def test_money_beyond_the_pledge_is_recorded_as_an_increase(client_for, fund_manager):
    contribution = ContributionFactory()
    DepositFactory(contribution=contribution, amount=Decimal("1000000"))

    client_for(fund_manager).post(
        f"/funding/contributions/{contribution.pk}/deposits/new/",
        _deposit_data(amount="50 000", is_increase="on") | CONFIRMED,
    )

    assert Deposit.objects.filter(is_increase=True, amount=Decimal("50000")).exists()


def test_a_deposit_without_its_months_rate_names_the_currency_and_month(client_for, fund_manager):
    contribution = ContributionFactory(currency="EUR", amount_usd=Decimal("1080000"))

    response = _english(client_for(fund_manager)).post(
        f"/funding/contributions/{contribution.pk}/deposits/new/",
        _deposit_data(currency="EUR") | CONFIRMED,
    )

    assert _errors(response)["received_on"] == [
        "No exchange rate for EUR in April 2024: record that month's UN rate first."
    ]
    assert not Deposit.objects.exists()


# --- The organisation page ---------------------------------------------------------------


def test_organisation_page_lists_its_contributions_with_links(client_for, viewer):
    donor = OrganisationFactory()
    contribution = ContributionFactory(
        donor=donor, amount=Decimal("2500000"), pledged_on=datetime.date(2024, 2, 9)
    )

    response = client_for(viewer).get(f"/coordination/organisations/{donor.pk}/")

    assert (
        f'<a href="/funding/contributions/{contribution.pk}/">TF, '
        '<time datetime="2024-02-09">09/02/2024</time></a> — 2\xa0500\xa0000,00\xa0USD'
    ) in response.text


@pytest.mark.parametrize("n", [1, 5])
def test_organisation_page_query_count_does_not_grow_with_its_contributions(
    client_for, viewer, django_assert_num_queries, n
):
    donor = OrganisationFactory()
    for code in ["tf", "pbf", "qip", "tf", "pbf"][:n]:
        ContributionFactory(donor=donor, mechanism=Mechanism.objects.get(code=code))
    client = client_for(viewer)
    # After the navigation's queries: the organisation, its memberships,
    # meetings, pending decisions, projects, and contributions with mechanisms.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 6):
        response = client.get(f"/coordination/organisations/{donor.pk}/")
    assert len(response.context["contributions"]) == n
