"""Administrators read money in admin with its history and correct a mistaken
entry by deleting it, refused while another amount depends on it."""

from decimal import Decimal

import pytest

from funding.models import Deposit, FundingApproval, Tranche
from projects.models import Project
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    ProjectFactory,
    TrancheFactory,
)


@pytest.fixture
def funded_project(db):
    project = ProjectFactory(status=Project.Status.ONGOING)
    approval = FundingApprovalFactory(project=project, amount=Decimal("40000"))
    tranche = TrancheFactory(project=project, amount=Decimal("32000"))
    return project, approval, tranche


@pytest.mark.parametrize(
    "model", ["contribution", "deposit", "fundingapproval", "tranche", "expenditure"]
)
def test_money_is_listed_but_neither_added_nor_edited_in_admin(client_for, admin_user, model):
    client = client_for(admin_user)

    assert client.get(f"/admin/funding/{model}/").status_code == 200
    assert client.get(f"/admin/funding/{model}/add/").status_code == 403


def test_approval_shown_read_only_and_not_changed_by_a_post(client_for, admin_user, funded_project):
    _project, approval, _tranche = funded_project
    client = client_for(admin_user)
    url = f"/admin/funding/fundingapproval/{approval.pk}/change/"

    page = client.get(url)
    client.post(url, {"amount": "99999", "decision_reference": "changed"})

    assert page.status_code == 200 and 'name="amount"' not in page.text
    # Its equivalent and the rate it was fixed at are shown, not editable.
    assert "taux appliqué (unités pour un dollar des états-unis)" in page.text.lower()
    assert 'name="units_per_usd"' not in page.text and 'name="amount_usd"' not in page.text
    approval.refresh_from_db()
    assert approval.amount == Decimal("40000")


def test_approval_that_tranches_depend_on_cannot_be_deleted(client_for, admin_user, funded_project):
    _project, approval, _tranche = funded_project
    client = client_for(admin_user)

    response = client.post(f"/admin/funding/fundingapproval/{approval.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert FundingApproval.objects.filter(pk=approval.pk).exists()


def test_mistaken_tranche_is_deleted_and_its_history_says_who(
    client_for, admin_user, funded_project
):
    _project, _approval, tranche = funded_project
    client = client_for(admin_user)

    response = client.post(f"/admin/funding/tranche/{tranche.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Tranche.objects.filter(pk=tranche.pk).exists()
    deleted = Tranche.history.filter(id=tranche.pk, history_type="-").get()
    assert deleted.history_user == admin_user and deleted.amount == Decimal("32000")


def test_tranche_that_spending_depends_on_cannot_be_deleted(client_for, admin_user, funded_project):
    project, _approval, tranche = funded_project
    ExpenditureFactory(project=project, amount=Decimal("1000"))

    response = client_for(admin_user).post(
        f"/admin/funding/tranche/{tranche.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Tranche.objects.filter(pk=tranche.pk).exists()


def test_deposit_that_approvals_depend_on_cannot_be_deleted(client_for, admin_user):
    contribution = ContributionFactory()
    deposit = DepositFactory(contribution=contribution, amount=Decimal("100000"))
    spare = DepositFactory(contribution=contribution, amount=Decimal("5000"))
    FundingApprovalFactory(
        contribution=contribution,
        project__mechanism=contribution.mechanism,
        amount=Decimal("100000"),
    )
    client = client_for(admin_user)

    refused = client.post(f"/admin/funding/deposit/{deposit.pk}/delete/", {"post": "yes"})
    deleted = client.post(f"/admin/funding/deposit/{spare.pk}/delete/", {"post": "yes"})

    assert refused.status_code == 403 and deleted.status_code == 302
    assert list(Deposit.objects.all()) == [deposit]


def test_fund_manager_has_no_admin(client_for, fund_manager):
    response = client_for(fund_manager).get("/admin/funding/tranche/")

    assert response.status_code == 302
    assert "/admin/login/" in response.url
