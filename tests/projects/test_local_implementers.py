"""Quick Impact Projects are implemented by local actors (the mechanism's
`local_implementers_only`): a QIP naming UNOPS or an international NGO is
refused, on the project form and when its funding is approved."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.roles import Role
from funding import services as funding_services
from funding.models import FundingApproval
from projects.models import Project
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory
from tests.projects.test_project_forms import mechanism, project_data


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.parametrize(
    ("kind", "country", "allowed"),
    [
        ("un_agency", "DK", False),  # UNOPS
        ("ingo", "FR", False),
        ("ngo", "ML", True),
        ("local_authority", "ML", True),
        ("private", "ML", True),
        ("private", "FR", False),  # a foreign company
        ("ngo", "", True),  # a national NGO whose country is not recorded
    ],
)
def test_a_qip_form_accepts_only_a_local_implementer(
    client_for, gao_officer, kind, country, allowed
):
    partner = OrganisationFactory(name="Partenaire", acronym="PART", kind=kind, country=country)

    response = client_for(gao_officer).post(
        "/projects/new/", project_data(implementing_partner=partner.pk)
    )

    assert Project.objects.exists() is allowed
    if not allowed:
        assert response.status_code == 200
        assert "QIP projects are implemented by local actors" in response.text
        assert "PART is a" in response.text


def test_a_trust_fund_project_may_name_any_implementer(client_for, gao_officer):
    unops = OrganisationFactory(acronym="UNOPS", kind="un_agency", country="DK")

    response = client_for(gao_officer).post(
        "/projects/new/",
        project_data(mechanism=mechanism("tf").pk, implementing_partner=unops.pk),
    )

    assert response.status_code == 302
    assert Project.objects.get().implementing_partner == unops


def test_funding_is_not_approved_for_a_qip_implemented_by_a_un_agency(db):
    # A project recorded before the rule (here by a factory, as old data would be).
    unops = OrganisationFactory(acronym="UNOPS", kind="un_agency", country="DK")
    project = ProjectFactory(implementing_partner=unops, status="approved")
    manager = UserFactory(role=Role.FUND_MANAGER)

    with pytest.raises(ValidationError) as refused:
        funding_services.approve_funding(
            project,
            by=manager,
            amount=Decimal("40000"),
            currency="USD",
            approved_on=datetime.date(2024, 2, 1),
            decision_reference="PRC-2024-001",
        )

    assert "implemented by local actors" in str(refused.value)
    assert not FundingApproval.objects.exists()
