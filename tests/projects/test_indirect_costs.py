"""The Peacebuilding Fund pays indirect support costs of at most 7 % of a
project's direct costs (the mechanism's `indirect_cost_percent`): a project
states its indirect costs, and the rule is checked on the project form, the
budget form and in admin, as every mechanism rule is (`funding.rules`)."""

from decimal import Decimal

import pytest
from django.conf import settings

from funding.models import Window
from projects.models import Project
from tests.factories import ProjectFactory
from tests.projects.test_project_forms import mechanism, project_data

# 3,000,000 of budget: at most 7 % of the direct costs, so at most
# 196,261.68 of indirect costs (2,803,738.32 × 7 %).
PBF = {"budget_amount": "3000000", "planned_end": "2027-12-31"}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _pbf(**overrides) -> dict:
    return project_data(
        mechanism=mechanism("pbf").pk, window=Window.objects.get(code="prf").pk, **PBF
    ) | {key: str(value) for key, value in overrides.items()}


def test_a_pbf_project_within_the_indirect_cost_rate_is_accepted(client_for, gao_officer):
    response = client_for(gao_officer).post("/projects/new/", _pbf(indirect_cost_amount="196000"))

    assert response.status_code == 302
    assert Project.objects.get().indirect_cost_amount == Decimal("196000.00")


def test_a_pbf_project_above_the_indirect_cost_rate_is_refused_with_the_figures(
    client_for, gao_officer
):
    response = client_for(gao_officer).post("/projects/new/", _pbf(indirect_cost_amount="300000"))

    assert response.status_code == 200
    assert (
        "PBF pays indirect support costs of at most 7 % of the direct costs: 189,000.00 USD "
        "on 2,700,000.00 USD of direct costs; this project states 300,000.00 USD."
    ) in response.context["form"].errors["indirect_cost_amount"]
    assert not Project.objects.exists()


def test_indirect_costs_above_the_budget_are_refused_on_their_field(client_for, gao_officer):
    response = client_for(gao_officer).post(
        "/projects/new/", project_data(indirect_cost_amount="50000")
    )

    assert response.context["form"].errors["indirect_cost_amount"] == [
        "The indirect support costs cannot exceed the budget."
    ]
    assert not Project.objects.exists()


def test_a_qip_has_no_indirect_cost_rate(client_for, gao_officer):
    response = client_for(gao_officer).post(
        "/projects/new/", project_data(indirect_cost_amount="10000")
    )

    assert response.status_code == 302


def test_the_fund_manager_cannot_raise_indirect_costs_above_the_rate_on_the_budget_page(
    client_for, fund_manager
):
    pbf = mechanism("pbf")
    project = ProjectFactory(
        mechanism=pbf,
        window=Window.objects.get(code="prf"),
        budget_amount=Decimal("3000000"),
        planned_end="2025-12-31",
        indirect_cost_amount=Decimal("150000"),
    )

    response = client_for(fund_manager).post(
        f"/projects/{project.pk}/budget/",
        {
            "version": 1,
            "budget_amount": "3000000",
            "budget_currency": "USD",
            "indirect_cost_amount": "250000",
        },
    )

    assert response.status_code == 200
    assert "PBF pays indirect support costs of at most 7 %" in response.text
    project.refresh_from_db()
    assert project.indirect_cost_amount == Decimal("150000.00")
