"""A project's money: the section of its page (figures, lists, the proposed
tranche) and the three pages that record funding approvals, tranches and
expenditure, each confirmed before anything is written."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from funding.models import Expenditure, FundingApproval, Mechanism, Tranche, TrancheStep
from projects.models import Project
from regions.models import Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    ProjectFactory,
    TrancheFactory,
)

MODELS = {"approval": FundingApproval, "tranche": Tranche, "expenditure": Expenditure}
PATHS = {
    "approval": "/projects/{pk}/money/approvals/new/",
    "tranche": "/projects/{pk}/money/tranches/new/",
    "expenditure": "/projects/{pk}/money/expenditures/new/",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _usd(amount) -> str:
    """An amount as the English pages show it: 32,000.00 USD."""
    return f"{Decimal(amount):,.2f}\xa0USD"


def _funded_project(**kwargs) -> Project:
    """A QIP in Gao with USD 40,000 approved and 32,000 transferred."""
    project = ProjectFactory(**kwargs)
    FundingApprovalFactory(project=project, amount=Decimal("40000"))
    TrancheFactory(project=project, amount=Decimal("32000"))
    return project


def _approval_data(project, **changes):
    data = {
        "token": str(uuid.uuid4()),
        "amount": "5000",
        "currency": project.budget_currency,
        "approved_on": "2024-02-20",
        "decision_reference": "PRC-2024-101",
        "contribution": "",
    }
    return {**data, **changes}


def _tranche_data(project, **changes):
    data = {
        "token": str(uuid.uuid4()),
        "amount": "8000",
        "currency": project.budget_currency,
        "paid_on": "2024-05-02",
        "reference": "TRF-2024-0042",
        "step": "",
    }
    return {**data, **changes}


def _expenditure_data(project, **changes):
    data = {
        "token": str(uuid.uuid4()),
        "amount": "1500",
        "currency": project.budget_currency,
        "spent_on": "2024-04-10",
        "category": Expenditure.Category.SUPPLIES,
        "description": "Ciment et fer à béton",
        "explanation": "",
    }
    return {**data, **changes}


DATA = {"approval": _approval_data, "tranche": _tranche_data, "expenditure": _expenditure_data}


def _post(client, kind, project, confirmed=True, **changes):
    data = DATA[kind](project, **changes)
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(PATHS[kind].format(pk=project.pk), data)


# --- The section on the project page ----------------------------------------------------


def _project_with_money() -> Project:
    project = ProjectFactory(code="QIP-2024-GAO-031")
    FundingApprovalFactory(
        project=project,
        amount=Decimal("30000"),
        approved_on=datetime.date(2024, 2, 15),
        decision_reference="PRC-2024-007",
    )
    FundingApprovalFactory(
        project=project,
        amount=Decimal("10000"),
        approved_on=datetime.date(2024, 3, 20),
        decision_reference="PRC-2024-019",
    )
    first = TrancheStep.objects.filter(mechanism=project.mechanism).first()
    TrancheFactory(project=project, amount=Decimal("32000"), step=first, reference="TRF-0815")
    ExpenditureFactory(
        project=project,
        amount=Decimal("20000"),
        category=Expenditure.Category.SERVICES,
        description="Travaux de forage",
    )
    ExpenditureFactory(
        project=project,
        amount=Decimal("4000"),
        category=Expenditure.Category.SUPPLIES,
        description="Pompe solaire",
        beyond_transfers=True,
        explanation="Avance du partenaire sur fonds propres",
    )
    return project


def test_section_shows_the_figures_and_lists_in_english(client_for, reader):
    project = _project_with_money()

    response = client_for(reader).get(f"/projects/{project.pk}/")

    assert response.status_code == 200
    text = response.text
    assert 'id="money"' in text
    assert _usd(40000) in text  # approved
    assert _usd(32000) in text  # transferred
    assert _usd(24000) in text  # spent
    assert _usd(8000) in text  # remaining to transfer
    assert "75.0\xa0%" in text  # delivery rate: 24,000 of 32,000
    # Approvals with their committee and decision, tranches, expenditure.
    assert "PRC-2024-007" in text and "PRC-2024-019" in text
    assert "Comité d&#x27;examen des projets (PRC)" in text
    assert _usd(30000) in text and _usd(10000) in text
    assert "TRF-0815" in text and "80&nbsp;% at signature" in text
    assert "Travaux de forage" in text and "Contractual services and works" in text
    assert "Pompe solaire" in text
    assert "beyond transfers" in text
    assert "Avance du partenaire sur fonds propres" in text
    # Only the flagged expenditure is marked.
    assert text.count("beyond transfers") == 1


def test_section_shows_french_number_format(client, client_for, reader):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    project = _project_with_money()

    text = client_for(reader).get(f"/projects/{project.pk}/").text

    assert "40\xa0000,00\xa0USD" in text
    assert "32\xa0000,00\xa0USD" in text
    assert "24\xa0000,00\xa0USD" in text
    assert "8\xa0000,00\xa0USD" in text
    assert "75,0\xa0%" in text


def test_section_shows_usd_equivalents_of_a_project_in_another_currency(client_for, reader):
    project = ProjectFactory(budget_currency="XOF", budget_amount=Decimal("24000000"))
    FundingApprovalFactory(
        project=project,
        amount=Decimal("12000000"),
        currency="XOF",
        amount_usd=Decimal("20000"),
        units_per_usd=Decimal("600"),
    )

    text = client_for(reader).get(f"/projects/{project.pk}/").text

    assert "12,000,000.00\xa0XOF" in text
    assert f"({_usd(20000)})" in text  # approved, in all
    # The approval's own line: its equivalent and the rate it was fixed at.
    assert f"{_usd(20000)} at 600 XOF per USD (UN rate of February 2024)" in text


def test_section_proposes_the_tranches_of_the_qip_schedule(client_for, reader):
    project = ProjectFactory()
    first, *_middle, last = TrancheStep.objects.filter(mechanism__code="qip").order_by("sequence")
    approved = Decimal("40000")
    FundingApprovalFactory(project=project, amount=approved)
    client = client_for(reader)

    share = approved * first.percent / 100
    text = client.get(f"/projects/{project.pk}/").text
    assert (
        f"Proposed next tranche: {first.percent.normalize():f} % "
        f"{first.get_milestone_display()} — {_usd(share)}"
    ) in text

    # Once the first step is paid, the last one pays what remains.
    TrancheFactory(project=project, step=first, amount=share)
    text = client.get(f"/projects/{project.pk}/").text
    assert (
        f"Proposed next tranche: {last.percent.normalize():f} % "
        f"{last.get_milestone_display()} — {_usd(approved - share)}"
    ) in text

    # Everything transferred: nothing more is proposed.
    TrancheFactory(project=project, step=last, amount=approved - share)
    assert "Proposed next tranche" not in client.get(f"/projects/{project.pk}/").text


def test_section_empty_state(client_for, reader):
    project = ProjectFactory()

    response = client_for(reader).get(f"/projects/{project.pk}/")

    assert "No funding approved yet." in response.text
    assert "Proposed next tranche" not in response.text


@pytest.mark.parametrize(
    ("user", "shown"),
    [
        ("fund_manager", True),
        ("admin_user", True),
        ("hq_user", False),
        ("gao_officer", False),
        ("viewer", False),
        ("no_role_user", False),
    ],
)
def test_record_buttons_only_for_money_users(client_for, request, user, shown):
    project = ProjectFactory()

    text = client_for(request.getfixturevalue(user)).get(f"/projects/{project.pk}/").text

    for label in ("Record a funding approval", "Record a tranche", "Record an expenditure"):
        assert (label in text) is shown
    assert (f"/projects/{project.pk}/money/tranches/new/" in text) is shown


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_no_record_buttons_on_a_finished_project(client_for, fund_manager, status):
    project = ProjectFactory(status=status)

    text = client_for(fund_manager).get(f"/projects/{project.pk}/").text

    assert "Record a funding approval" not in text


# --- Who may record ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
@pytest.mark.parametrize("user", ["fund_manager", "admin_user"])
def test_money_users_record_after_confirmation(client_for, request, kind, user):
    project = _funded_project()
    before = MODELS[kind].objects.count()
    client = client_for(request.getfixturevalue(user))

    assert client.get(PATHS[kind].format(pk=project.pk)).status_code == 200
    response = _post(client, kind, project)

    assert response.status_code == 302
    assert response.url == f"/projects/{project.pk}/#money"
    assert MODELS[kind].objects.count() == before + 1
    assert MODELS[kind].objects.latest("pk").recorded_by == request.getfixturevalue(user)


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
@pytest.mark.parametrize(
    "user",
    ["hq_user", "gao_officer", "mopti_officer", "tombouctou_head", "viewer", "no_role_user"],
)
def test_others_get_403_and_nothing_is_written(client_for, request, kind, user):
    # Gao (ML-7) is the gao_officer's own region: editing the project is not
    # recording its money.
    project = _funded_project(region=Region.objects.get(code="ML-7"))
    before = MODELS[kind].objects.count()
    client = client_for(request.getfixturevalue(user))

    assert client.get(PATHS[kind].format(pk=project.pk)).status_code == 403
    assert _post(client, kind, project).status_code == 403
    assert _post(client, kind, project, confirmed=False).status_code == 403
    assert MODELS[kind].objects.count() == before


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
def test_anonymous_is_sent_to_sign_in(client, kind):
    project = _funded_project()
    before = MODELS[kind].objects.count()

    for response in (client.get(PATHS[kind].format(pk=project.pk)), _post(client, kind, project)):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    assert MODELS[kind].objects.count() == before


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
@pytest.mark.parametrize("status", ["closed", "cancelled"])
@pytest.mark.parametrize("user", ["fund_manager", "admin_user"])
def test_finished_project_money_is_locked_even_for_money_users(
    client_for, request, kind, status, user
):
    project = _funded_project(status=status)
    before = MODELS[kind].objects.count()
    client = client_for(request.getfixturevalue(user))

    assert client.get(PATHS[kind].format(pk=project.pk)).status_code == 403
    assert _post(client, kind, project).status_code == 403
    assert MODELS[kind].objects.count() == before


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
def test_unknown_project_is_404(client_for, fund_manager, kind):
    assert client_for(fund_manager).get(PATHS[kind].format(pk=987654)).status_code == 404


# --- The form page and the confirmation step ------------------------------------------


def test_approval_page_shows_the_project_totals_and_the_ceiling(client_for, fund_manager):
    project = _funded_project()

    response = client_for(fund_manager).get(PATHS["approval"].format(pk=project.pk))

    assert project.code in response.text
    assert _usd(40000) in response.text and _usd(32000) in response.text
    ceiling = Mechanism.objects.get(code="qip").ceiling_usd
    assert f"at most {_usd(ceiling)} in all approvals" in response.text


def test_approval_page_of_a_trust_fund_project_says_approvals_need_money_received(
    client_for, fund_manager
):
    project = ProjectFactory(code="TF-2024-GAO-001", mechanism=Mechanism.objects.get(code="tf"))

    response = client_for(fund_manager).get(PATHS["approval"].format(pk=project.pk))

    assert "approves only money received" in response.text


def test_tranche_page_proposes_the_next_step_and_shows_the_schedule(client_for, fund_manager):
    project = ProjectFactory()
    FundingApprovalFactory(project=project, amount=Decimal("40000"))
    first = TrancheStep.objects.filter(mechanism__code="qip").order_by("sequence").first()

    response = client_for(fund_manager).get(PATHS["tranche"].format(pk=project.pk))

    form = response.context["form"]
    assert form["amount"].value() == Decimal("40000") * first.percent / 100
    assert form["step"].value() == first.pk
    assert f"{first.percent.normalize():f}&nbsp;% {first.get_milestone_display()}" in response.text
    assert response.context["cancel_url"] == f"/projects/{project.pk}/#money"


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
def test_without_confirmation_the_summary_shows_and_nothing_is_written(
    client_for, fund_manager, kind
):
    project = _funded_project()
    before = MODELS[kind].objects.count()

    response = _post(client_for(fund_manager), kind, project, confirmed=False)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "funding/confirm.html"
    assert "Confirm and record" in response.text
    assert project.code in response.text  # the question names the project
    assert f'href="/projects/{project.pk}/#money"' in response.text  # cancel
    amount = DATA[kind](project)["amount"]
    assert _usd(amount) in response.text
    assert MODELS[kind].objects.count() == before


def test_confirmed_approval_records_one_row_with_a_message(client_for, fund_manager):
    project = _funded_project()
    client = client_for(fund_manager)

    response = client.post(
        PATHS["approval"].format(pk=project.pk),
        {**_approval_data(project), "confirmed": "yes"},
        follow=True,
    )

    assert "The funding approval was recorded." in response.text
    approval = FundingApproval.objects.get(decision_reference="PRC-2024-101")
    assert (approval.amount, approval.currency) == (Decimal("5000"), "USD")
    assert approval.approving_body == project.mechanism.approving_body
    assert approval.approved_on == datetime.date(2024, 2, 20)


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
def test_same_form_confirmed_twice_records_once(client_for, fund_manager, kind):
    project = _funded_project()
    before = MODELS[kind].objects.count()
    client = client_for(fund_manager)
    data = {**DATA[kind](project), "confirmed": "yes"}

    client.post(PATHS[kind].format(pk=project.pk), data)
    response = client.post(PATHS[kind].format(pk=project.pk), data, follow=True)

    assert MODELS[kind].objects.count() == before + 1
    assert "already been sent" in response.text


# --- Bad input: the reason shown, nothing written ----------------------------------------


def _refused(response, model, before: int, message: str) -> None:
    assert response.status_code == 200
    assert message in response.text
    assert model.objects.count() == before


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
DATE_FIELD = {"approval": "approved_on", "tranche": "paid_on", "expenditure": "spent_on"}


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
@pytest.mark.parametrize("confirmed", [False, True])
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "0"}, "The amount must be more than zero."),
        ({"amount": "-250"}, "The amount must be more than zero."),
        ({"currency": "EUR"}, "is counted in USD, the currency of its budget."),
        ("future", "This date is in the future."),
    ],
)
def test_bad_input_on_every_form(client_for, fund_manager, kind, confirmed, changes, message):
    project = _funded_project()
    before = MODELS[kind].objects.count()
    if changes == "future":
        changes = {DATE_FIELD[kind]: TOMORROW}

    response = _post(client_for(fund_manager), kind, project, confirmed=confirmed, **changes)

    _refused(response, MODELS[kind], before, message)


def test_tranche_above_the_approved_amount_is_refused(client_for, fund_manager):
    project = _funded_project()  # 40,000 approved, 32,000 transferred

    response = _post(client_for(fund_manager), "tranche", project, amount="8000.01")

    _refused(
        response,
        Tranche,
        1,
        f"This tranche would bring the transfers to {_usd('40000.01')}, "
        f"above the {_usd(40000)} approved.",
    )


def test_expenditure_above_transfers_needs_the_flag(client_for, fund_manager):
    project = _funded_project()  # 32,000 transferred

    response = _post(client_for(fund_manager), "expenditure", project, amount="33000")

    _refused(
        response,
        Expenditure,
        0,
        f"This would bring the spending to {_usd(33000)}, above the {_usd(32000)} transferred.",
    )


def test_flagged_expenditure_needs_an_explanation(client_for, fund_manager):
    project = _funded_project()

    response = _post(
        client_for(fund_manager),
        "expenditure",
        project,
        amount="33000",
        beyond_transfers="on",
        explanation="  ",
    )

    _refused(response, Expenditure, 0, "Explain why the partner spent more than it received.")


def test_flagged_and_explained_expenditure_beyond_transfers_is_recorded(client_for, fund_manager):
    project = _funded_project()

    _post(
        client_for(fund_manager),
        "expenditure",
        project,
        amount="33000",
        beyond_transfers="on",
        explanation="Le partenaire a avancé le solde.",
    )

    expenditure = Expenditure.objects.get()
    assert expenditure.beyond_transfers
    assert expenditure.explanation == "Le partenaire a avancé le solde."


def test_approval_above_the_qip_ceiling_is_refused(client_for, fund_manager):
    project = ProjectFactory()
    FundingApprovalFactory(project=project, amount=Decimal("45000"))

    response = _post(client_for(fund_manager), "approval", project, amount="10000")

    _refused(
        response,
        FundingApproval,
        1,
        "55,000.00\xa0USD is more than the 50,000\xa0USD a QIP project may cost.",
    )


def _trust_fund_project() -> Project:
    return ProjectFactory(code="TF-2024-GAO-002", mechanism=Mechanism.objects.get(code="tf"))


def test_trust_fund_approval_above_the_contribution_balance_is_refused(client_for, fund_manager):
    project = _trust_fund_project()
    contribution = ContributionFactory()
    DepositFactory(contribution=contribution, amount=Decimal("100000"))
    FundingApprovalFactory(contribution=contribution, amount=Decimal("30000"))  # another project

    response = _post(
        client_for(fund_manager),
        "approval",
        project,
        amount="70000.01",
        contribution=contribution.pk,
    )

    _refused(
        response,
        FundingApproval,
        1,
        f"This approval ({_usd('70000.01')}) is more than the {_usd(70000)} of the "
        "contribution received and not yet approved.",
    )


def test_trust_fund_approval_within_the_balance_is_recorded(client_for, fund_manager):
    project = _trust_fund_project()
    contribution = ContributionFactory()
    DepositFactory(contribution=contribution, amount=Decimal("100000"))

    _post(
        client_for(fund_manager), "approval", project, amount="70000", contribution=contribution.pk
    )

    assert FundingApproval.objects.get().contribution == contribution


def test_trust_fund_approval_needs_a_contribution(client_for, fund_manager):
    project = _trust_fund_project()

    response = _post(client_for(fund_manager), "approval", project, amount="1000")

    _refused(response, FundingApproval, 0, "This field is required.")


def test_contribution_earmarked_for_another_region_is_neither_offered_nor_accepted(
    client_for, fund_manager
):
    project = _trust_fund_project()  # in Gao
    mopti = ContributionFactory(earmark_region=Region.objects.get(code="ML-5"))
    DepositFactory(contribution=mopti, amount=Decimal("100000"))
    client = client_for(fund_manager)

    form = client.get(PATHS["approval"].format(pk=project.pk)).context["form"]
    assert mopti not in form.fields["contribution"].queryset

    response = _post(client, "approval", project, amount="1000", contribution=mopti.pk)
    _refused(
        response,
        FundingApproval,
        0,
        "This contribution cannot fund this project: it is made to another mechanism, "
        "or earmarked for another region or pillar.",
    )


def test_missing_rate_of_an_xof_project_is_named(client_for, fund_manager):
    project = ProjectFactory(budget_currency="XOF", budget_amount=Decimal("24000000"))
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 2, 1))  # not March

    response = _post(
        client_for(fund_manager),
        "approval",
        project,
        amount="6000000",
        approved_on="2024-03-12",
    )

    _refused(
        response,
        FundingApproval,
        0,
        "No exchange rate for XOF in March 2024: record that month&#x27;s UN rate first.",
    )


def test_xof_approval_with_its_rate_is_recorded_with_its_usd_equivalent(client_for, fund_manager):
    project = ProjectFactory(budget_currency="XOF", budget_amount=Decimal("24000000"))
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 3, 1), units_per_usd=600)

    _post(
        client_for(fund_manager),
        "approval",
        project,
        amount="6000000",
        approved_on="2024-03-12",
    )

    approval = FundingApproval.objects.get()
    assert (approval.currency, approval.amount_usd) == ("XOF", Decimal("10000.00"))


# --- Query count ------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 6])
def test_project_page_money_queries_do_not_grow_with_rows(
    client_for, fund_manager, django_assert_num_queries, n
):
    project = ProjectFactory()
    steps = list(TrancheStep.objects.filter(mechanism=project.mechanism))
    contribution = ContributionFactory(mechanism=project.mechanism)
    for i in range(n):
        FundingApprovalFactory(project=project, contribution=contribution)
        TrancheFactory(project=project, step=steps[0] if i == 0 else None, amount=Decimal("10"))
        ExpenditureFactory(
            project=project, beyond_transfers=True, explanation="Avance", amount=Decimal("5")
        )
    client = client_for(fund_manager)
    # The page's own queries: the project alone (title, access, the person's
    # steps), then for its sections the project again (region, mechanism,
    # window, partner, priority and its plan, focal point joined), its history
    # records, cercles, status changes, locations, indicators, progress
    # reports, the people reached by the latest approved one, and documents
    # (10; a fund manager edits no region, which needs no query to know); then its
    # money: the approved, transferred and spent totals (1, a subquery each),
    # the mechanism's tranche steps and the steps already paid, for the
    # proposed tranche (2), the approvals (with the contribution and its
    # donor), the tranches (with their step) and the expenditures (3).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 10 + 6):
        response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    assert len(response.context["approvals"]) == n
    assert len(response.context["tranches"]) == n
    assert len(response.context["expenditures"]) == n
