from decimal import Decimal

import pytest

from funding.models import Mechanism, TrancheStep, Window
from portfolio import figures
from tests.conftest import SIGNED_IN_QUERIES
from tests.factories import FundingApprovalFactory, ProjectFactory


@pytest.mark.django_db
def test_mechanisms_are_loaded_with_their_rules():
    qip = Mechanism.objects.get(code="qip")
    assert qip.ceiling_usd == Decimal("50000")
    assert qip.max_duration_months == 6
    assert qip.local_implementers_only
    assert [(s.percent, s.milestone) for s in qip.tranche_steps.all()] == [
        (Decimal("80"), "signature"),
        (Decimal("20"), "completion"),
    ]
    assert Mechanism.objects.get(code="tf").limited_to_receipts
    pbf = Mechanism.objects.get(code="pbf")
    assert pbf.indirect_cost_percent == Decimal("7")
    assert pbf.gender_target_percent == Decimal("30")
    windows = {w.code: w.effective_max_duration_months for w in pbf.windows.all()}
    assert windows == {"irf": 18, "prf": 36}


def test_funding_page_lists_the_three_mechanisms(client_for, viewer):
    response = client_for(viewer).get("/funding/")

    assert response.status_code == 200
    assert [m.code for m in response.context["mechanisms"]] == ["pbf", "qip", "tf"]


def test_mechanism_page_shows_rules_in_the_locale_format(client_for, viewer):
    response = client_for(viewer).get("/funding/qip/")

    assert response.status_code == 200
    assert "50\xa0000 USD" in response.text  # French thousands separator
    assert "80\xa0% à la signature" in response.text  # no-break space before the sign


def test_unknown_mechanism_is_404(client_for, viewer):
    assert client_for(viewer).get("/funding/xyz/").status_code == 404


@pytest.mark.parametrize("extra", [0, 10])
def test_funding_pages_query_count_does_not_grow(
    client_for, viewer, django_assert_num_queries, extra
):
    client = client_for(viewer)
    qip = Mechanism.objects.get(code="qip")
    for i in range(extra):
        mechanism = Mechanism.objects.create(
            code=f"m{i}", acronym=f"M{i}", name_fr="Fonds", name_en="Fund", approving_body="Comité"
        )
        Window.objects.create(mechanism=mechanism, code="w", name_fr="G", name_en="W")
        Window.objects.create(mechanism=qip, code=f"w{i}", name_fr="G", name_en="W")
        TrancheStep.objects.create(
            mechanism=mechanism, sequence=1, percent=Decimal("100"), milestone="signature"
        )
    # the navigation's review queue: the role (groups), the items returned to
    # the user; then the mechanisms, their windows, their figures (six grouped
    # queries: pledges, increases, deposits, approvals, tranches, expenditure)
    with django_assert_num_queries(SIGNED_IN_QUERIES + 2 + 8):
        assert client.get("/funding/").status_code == 200
    # the mechanism, its windows, tranche steps; the figures, its regions and
    # its years (six grouped queries each: pledges, increases of pledges,
    # deposits, approvals, tranches, expenditure; no region has money, so the
    # regions themselves are not read), its donors, its latest contributions,
    # its projects counted (there are none, so no page of them is read), and
    # the history of its rules: of the mechanism, its windows, its tranche
    # steps; its funding for gender equality (one query); its map by region:
    # its projects by region, the regions (2)
    with django_assert_num_queries(SIGNED_IN_QUERIES + 2 + 3 + 25 + 2):
        assert client.get("/funding/qip/").status_code == 200


def test_the_gender_share_is_computed_from_the_approved_funding_and_set_against_the_target(
    client_for, viewer, settings
):
    """The audit's finding: the PBF gender target was shown but never computed."""
    settings.LANGUAGE_CODE = "en"
    pbf = Mechanism.objects.get(code="pbf")
    for marker, amount in ((2, "300000"), (1, "100000"), (0, "600000")):
        project = ProjectFactory(mechanism=pbf, gender_marker=marker, budget_amount=amount)
        FundingApprovalFactory(project=project, amount=Decimal(amount))

    share = figures.gender_share(pbf)
    page = client_for(viewer).get("/funding/pbf/")

    assert (share.approved_usd, share.gender_usd) == (Decimal("1000000"), Decimal("400000"))
    assert share.percent == Decimal("40") and share.meets_target is True
    assert page.context["gender"] == share
    assert "40.0 % (400,000.00\xa0USD of 1,000,000.00\xa0USD approved)" in page.text
    assert "target met" in page.text
