"""Property-based test of the figures: whatever portfolio of mechanisms,
donors, currencies, regions, years and statuses, every page that shows a
quantity for a scope shows the same number, and every table's parts add up to
its total.

The pages compared: the mechanisms' ledger (`/funding/`), each mechanism's
page (its figures, by donor, by region, by year), the dashboard, each region's
page, the contributions list and the projects list."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding.models import Mechanism
from funding.money import format_whole
from projects.models import Project
from regions.models import Region
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
    TrancheFactory,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")
FIVE = ("pledged", "received", "approved", "transferred", "spent")
# Units of each currency per US dollar, for every month the money uses.
RATES = {"USD": Decimal("1"), "XOF": Decimal("600"), "EUR": Decimal("0.9")}
YEARS = (2024, 2025)
REGIONS = ("ML-5", "ML-7")
MECHANISMS = ("qip", "tf", "pbf")

amounts = st.decimals(min_value=Decimal("100"), max_value=Decimal("90000"), places=2)
shares = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2)

projects = st.fixed_dictionaries(
    {
        "mechanism": st.sampled_from(MECHANISMS),
        "region": st.sampled_from(REGIONS),
        "currency": st.sampled_from(tuple(RATES)),
        "status": st.sampled_from(["pipeline", "approved", "ongoing", "completed", "cancelled"]),
        "year": st.sampled_from(YEARS),
        "budget": amounts,
        "approved": st.one_of(st.none(), amounts),
        "transferred": shares,
        "spent": shares,
        "charged": st.booleans(),
        "people": st.integers(min_value=0, max_value=500),
    }
)
contributions = st.fixed_dictionaries(
    {
        "donor": st.integers(min_value=0, max_value=2),
        "mechanism": st.sampled_from(MECHANISMS),
        "currency": st.sampled_from(tuple(RATES)),
        "earmark": st.one_of(st.none(), st.sampled_from(REGIONS)),
        "year": st.sampled_from(YEARS),
        "pledged": amounts,
        "received": shares,
    }
)


def _usd(amount: Decimal, currency: str) -> Decimal:
    return (amount / RATES[currency]).quantize(CENT, rounding=ROUND_HALF_UP)


def _money(amount: Decimal, currency: str) -> dict:
    return {"amount": amount, "currency": currency, "amount_usd": _usd(amount, currency)}


def _build(project_specs: list[dict], contribution_specs: list[dict]) -> None:
    for currency, units in RATES.items():
        if currency != "USD":
            for year in YEARS:
                ExchangeRateFactory(
                    currency=currency, month=datetime.date(year, 1, 1), units_per_usd=units
                )
    donors = [OrganisationFactory(kind="bilateral") for _ in range(3)]
    regions = {code: Region.objects.get(code=code) for code in REGIONS}
    mechanisms = {code: Mechanism.objects.get(code=code) for code in MECHANISMS}
    contributions_of: dict[str, list] = {}
    for spec in contribution_specs:
        contribution = ContributionFactory(
            donor=donors[spec["donor"]],
            mechanism=mechanisms[spec["mechanism"]],
            earmark_region=regions[spec["earmark"]] if spec["earmark"] else None,
            pledged_on=datetime.date(spec["year"], 1, 10),
            **_money(spec["pledged"], spec["currency"]),
        )
        received = (spec["pledged"] * spec["received"]).quantize(CENT)
        if received:
            DepositFactory(
                contribution=contribution,
                received_on=datetime.date(spec["year"], 1, 12),
                **_money(received, spec["currency"]),
            )
        contributions_of.setdefault(spec["mechanism"], []).append(contribution)
    for spec in project_specs:
        currency = spec["currency"]
        project = ProjectFactory(
            mechanism=mechanisms[spec["mechanism"]],
            region=regions[spec["region"]],
            status=spec["status"],
            budget_amount=spec["budget"],
            budget_currency=currency,
            planned_start=datetime.date(2024, 1, 1),
            planned_end=datetime.date(2024, 12, 31),
            women=spec["people"],
            men=spec["people"] // 2,
            girls=0,
            boys=1,
        )
        if spec["approved"] is None:
            continue
        day = datetime.date(spec["year"], 1, 15)
        charged = contributions_of.get(spec["mechanism"]) if spec["charged"] else None
        FundingApprovalFactory(
            project=project,
            approved_on=day,
            contribution=charged[0] if charged else None,
            **_money(spec["approved"], currency),
        )
        transferred = (spec["approved"] * spec["transferred"]).quantize(CENT)
        if not transferred:
            continue
        TrancheFactory(project=project, paid_on=day, **_money(transferred, currency))
        spent = (transferred * spec["spent"]).quantize(CENT)
        if spent:
            ExpenditureFactory(project=project, spent_on=day, **_money(spent, currency))


def _five(figures) -> tuple:
    return tuple(getattr(figures, name) for name in FIVE)


def _add(rows, names=FIVE) -> tuple:
    return tuple(sum((getattr(row, name) for row in rows), ZERO) for name in names)


def _check_every_page_agrees(client) -> None:
    ledger = client.get("/funding/").context
    mechanisms = {mechanism.code: mechanism.figures for mechanism in ledger["mechanisms"]}
    total = ledger["total"]
    # The mechanisms add up to the total, which is received − approved available.
    assert _five(total) == _add(mechanisms.values())
    assert total.available == total.received - total.approved

    for code, figures in mechanisms.items():
        page = client.get(f"/funding/{code}/").context
        assert _five(page["mechanism"].figures) == _five(figures)
        # By donor: the donors and the approvals charged to none add up to the mechanism.
        donor_ledger = page["donor_ledger"]
        rows = [donor.figures for donor in donor_ledger.donors]
        if donor_ledger.not_charged:
            rows.append(donor_ledger.not_charged)
        by_donor = ("pledged", "received", "approved", "available")
        assert _add(rows, by_donor) == tuple(getattr(figures, name) for name in by_donor)
        assert donor_ledger.total.available == figures.available
        # By year: the flows of the years add up to the mechanism's.
        assert _add(page["years"]) == _five(figures)
        # By region: every project has a region, so its money is all there.
        regions = [region.figures for region in page["regions"]]
        names = ("approved", "transferred", "spent")
        assert _add(regions, names) == tuple(getattr(figures, name) for name in names)
        for region in page["regions"]:
            region_money = {
                row["code"]: row for row in client.get(f"/regions/{region.code}/").context["money"]
            }
            # A region listed only for an earmarked pledge has no project money.
            shown = region_money.get(code, dict.fromkeys(names, ZERO))
            for name in names:
                assert shown[name] == getattr(region.figures, name)

    dashboard = client.get("/").context
    for row in dashboard["by_mechanism"]:
        figures = mechanisms[row["mechanism"].code]
        assert (row["approved"], row["transferred"], row["spent"]) == (
            figures.approved,
            figures.transferred,
            figures.spent,
        )
    money = dashboard["money"]
    assert (money["approved"], money["transferred"], money["spent"]) == (
        total.approved,
        total.transferred,
        total.spent,
    )
    assert money["delivery_rate"] == total.delivery_rate
    # Shown the same way: rounded to the nearest dollar on both pages.
    assert format_whole(total.approved) in client.get("/").text
    assert format_whole(total.approved) in client.get("/funding/").text

    targeted = dashboard["targeted"]
    expected = Project.objects.exclude(status="cancelled")
    assert targeted["women"] == sum(project.women for project in expected)
    assert targeted["total"] == sum(
        project.women + project.men + project.girls + project.boys for project in expected
    )

    contributions = client.get("/funding/contributions/").context["totals"]
    assert (contributions["pledged"] or ZERO, contributions["received"] or ZERO) == (
        total.pledged,
        total.received,
    )
    assert contributions["available_to_approve"] == total.available

    listed = client.get("/projects/").context["totals"]
    assert listed["budget_usd"] == sum(project.budget_usd for project in Project.objects.all())
    for code in REGIONS:
        region = Region.objects.get(code=code)
        on_list = client.get("/projects/", {"region": region.pk}).context["totals"]
        on_region_page = client.get(f"/regions/{code}/").context["project_totals"]
        assert on_list == on_region_page


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    project_specs=st.lists(projects, min_size=1, max_size=5),
    contribution_specs=st.lists(contributions, max_size=4),
)
def test_every_page_shows_the_same_figure_and_every_table_adds_up(
    client_for, hq_user, project_specs, contribution_specs
):
    client = client_for(hq_user)
    # One example's rows are rolled back before the next.
    with transaction.atomic():
        _build(project_specs, contribution_specs)
        _check_every_page_agrees(client)
        transaction.set_rollback(True)
