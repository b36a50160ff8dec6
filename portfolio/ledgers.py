"""The ledgers: pledged, received, approved, transferred, spent, available
balance and delivery rate, by mechanism, donor, region, year and project.

Every figure is in US dollars at the rates fixed when each amount was recorded,
and is summed by the database: each table costs a fixed number of queries,
whatever the number of rows. The pages read the tables through the functions at
the end of this module, which keep them in the figures cache until the money
changes (`core.cached_figures`). What each figure counts, and how the
derived ones are computed, is defined once in `funding.figures`
(docs/figures.md).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Exists,
    F,
    OuterRef,
    QuerySet,
    Sum,
)
from django.db.models.functions import ExtractYear

from coordination.models import Organisation
from core import cached_figures
from funding.figures import FIGURES, ZERO, Figures, delivery_rate, total
from funding.models import (
    Contribution,
    Deposit,
    Expenditure,
    FundingApproval,
    Mechanism,
    Tranche,
)
from projects.models import Project
from regions.models import Region


def _figures(*, contribution=None, approval=None, project=None) -> dict:
    """The figures' subqueries: pledged and received over the contributions
    matching `contribution`, approved over the approvals matching `approval`,
    transferred and spent over the tranches and expenditure matching
    `project` (each a dict of lookups on OuterRef)."""
    figures = {}
    if contribution is not None:
        deposits = {f"contribution__{key}": value for key, value in contribution.items()}
        figures["pledged"] = total(Contribution.objects.filter(**contribution)) + total(
            Deposit.objects.filter(is_increase=True, **deposits)
        )
        figures["received"] = total(Deposit.objects.filter(**deposits))
    if approval is not None:
        figures["approved"] = total(FundingApproval.objects.filter(**approval))
    if project is not None:
        figures["transferred"] = total(Tranche.objects.filter(**project))
        figures["spent"] = total(Expenditure.objects.filter(**project))
    return figures


def mechanisms() -> QuerySet:
    """Every mechanism with its five figures: one query."""
    return Mechanism.objects.annotate(
        **_figures(
            contribution={"mechanism": OuterRef("pk")},
            approval={"mechanism": OuterRef("pk")},
            project={"project__mechanism": OuterRef("pk")},
        )
    )


def by_donor(mechanism: Mechanism) -> QuerySet:
    """The donors of `mechanism`: pledged, received and approved on their
    contributions (approvals are charged to a contribution where the mechanism
    approves only money received). One query."""
    own = {"donor": OuterRef("pk"), "mechanism": mechanism}
    # EXISTS rather than a join and DISTINCT: over the joined rows,
    # PostgreSQL ran every figure's subquery once per contribution.
    donors = Contribution.objects.filter(donor=OuterRef("pk"), mechanism=mechanism)
    return (
        Organisation.objects.filter(Exists(donors))
        .annotate(
            **_figures(
                contribution=own,
                approval={
                    "contribution__donor": OuterRef("pk"),
                    "contribution__mechanism": mechanism,
                },
            )
        )
        .order_by("-pledged", "name")
    )


def _grouped(sources: dict[str, list[QuerySet]], key: str) -> dict:
    """Each figure's amounts summed by `key`: `sources` gives, for each
    figure, the querysets of its amounts with `key` among their values (rows
    with an empty key are left out). One grouped query per queryset; returns
    {key: Figures}."""
    figures: dict = {}
    for figure, querysets in sources.items():
        for queryset in querysets:
            grouped = queryset.filter(**{f"{key}__isnull": False}).annotate(sum=Sum("amount_usd"))
            for row in grouped.order_by():
                row_figures = figures.setdefault(row[key], Figures())
                setattr(row_figures, figure, getattr(row_figures, figure) + row["sum"])
    return figures


def by_region(mechanism: Mechanism) -> list:
    """The regions where `mechanism` has money, by code, each with the five
    figures as attributes: earmarked pledges and deposits, and the approvals,
    transfers and spending of its projects there. Seven queries whatever the
    number of rows: the regions, and each figure's amounts grouped by region
    (pledges and their increases are two). A correlated subquery per region
    and figure ran each again in the filter on the figures, over every
    project of the mechanism."""
    sources = {
        "pledged": [
            Contribution.objects.filter(mechanism=mechanism).values(region=F("earmark_region")),
            Deposit.objects.filter(contribution__mechanism=mechanism, is_increase=True).values(
                region=F("contribution__earmark_region")
            ),
        ],
        "received": [
            Deposit.objects.filter(contribution__mechanism=mechanism).values(
                region=F("contribution__earmark_region")
            )
        ],
        "approved": [
            FundingApproval.objects.filter(mechanism=mechanism).values(region=F("project__region"))
        ],
        "transferred": [
            Tranche.objects.filter(project__mechanism=mechanism).values(region=F("project__region"))
        ],
        "spent": [
            Expenditure.objects.filter(project__mechanism=mechanism).values(
                region=F("project__region")
            )
        ],
    }
    figures = _grouped(sources, "region")
    # Received money without a pledge cannot exist: the other four decide.
    shown = {
        pk: row_figures
        for pk, row_figures in figures.items()
        if any(
            getattr(row_figures, name) for name in ("pledged", "approved", "transferred", "spent")
        )
    }
    regions = list(Region.objects.filter(pk__in=shown).order_by("code"))
    for region in regions:
        for name in FIGURES:
            setattr(region, name, getattr(shown[region.pk], name))
    return regions


@dataclass
class YearFigures(Figures):
    """A year's flows, with the delivery rate cumulated to the end of that
    year: a year's spending over the same year's transfers would divide money
    sent one year by money spent of it the next."""

    year: int = 0
    cumulative_delivery_rate: Decimal | None = None

    @property
    def delivery_rate(self) -> Decimal | None:
        return self.cumulative_delivery_rate


def by_year(mechanism: Mechanism) -> list[YearFigures]:
    """`mechanism`'s figures by calendar year of each amount's date, latest
    year first, each with its delivery rate cumulated to the year's end. Six
    grouped queries (pledges and their increases are two)."""
    sources = {
        "pledged": [
            (Contribution.objects.filter(mechanism=mechanism), "pledged_on"),
            (
                Deposit.objects.filter(contribution__mechanism=mechanism, is_increase=True),
                "received_on",
            ),
        ],
        "received": [(Deposit.objects.filter(contribution__mechanism=mechanism), "received_on")],
        "approved": [(FundingApproval.objects.filter(mechanism=mechanism), "approved_on")],
        "transferred": [(Tranche.objects.filter(project__mechanism=mechanism), "paid_on")],
        "spent": [(Expenditure.objects.filter(project__mechanism=mechanism), "spent_on")],
    }
    years: dict[int, YearFigures] = {}
    for figure, queries in sources.items():
        for queryset, date_field in queries:
            grouped = (
                queryset.annotate(year=ExtractYear(date_field))
                .values("year")
                .annotate(sum=Sum("amount_usd"))
                .order_by()
            )
            for row in grouped:
                figures = years.setdefault(row["year"], YearFigures(year=row["year"]))
                setattr(figures, figure, getattr(figures, figure) + row["sum"])
    transferred = spent = ZERO
    for year in sorted(years):
        transferred += years[year].transferred
        spent += years[year].spent
        years[year].cumulative_delivery_rate = delivery_rate(spent, transferred)
    return [years[year] for year in sorted(years, reverse=True)]


def project_money(projects: QuerySet) -> QuerySet:
    """`projects` with `approved`, `transferred` and `spent` in US dollars:
    a correlated subquery each, in the same query (the project list's files)."""
    own = {"project": OuterRef("pk")}
    return projects.annotate(**_figures(approval=own, project=own))


def by_project(mechanism: Mechanism) -> QuerySet:
    """`mechanism`'s projects with approved, transferred and spent, in US
    dollars and in the project's own currency. One query (paginate it)."""
    own = {"project": OuterRef("pk")}
    return (
        project_money(Project.objects.filter(mechanism=mechanism))
        .select_related("region", "implementing_partner")
        .annotate(
            approved_amount=total(FundingApproval.objects.filter(**own), "amount"),
            transferred_amount=total(Tranche.objects.filter(**own), "amount"),
            spent_amount=total(Expenditure.objects.filter(**own), "amount"),
        )
        .order_by("-approved", "code")
    )


def grand_total(rows) -> Figures:
    """The sum of already-computed ledger rows (a handful of mechanisms)."""
    result = Figures()
    for row in rows:
        for name in FIGURES:
            setattr(result, name, getattr(result, name) + (getattr(row, name, ZERO) or ZERO))
    return result


# --- What the pages read, cached -------------------------------------------------------


def with_figures(rows) -> list:
    """Give each ledger row its `figures` (a `Figures`, which derives the
    available balance and the delivery rate); a figure the row lacks reads 0.
    Returns the rows as a list."""
    rows = list(rows)
    for row in rows:
        row.figures = Figures(**{name: getattr(row, name, ZERO) for name in FIGURES})
    return rows


def mechanism_figures() -> dict[int, Figures]:
    """Every mechanism's figures by primary key (a mechanism without money
    is missing): six grouped queries, as `by_region` makes, or none while
    cached. One query of correlated subqueries (`mechanisms()`) took 1.4 to
    2.3 times as long at 100,000 projects."""

    def compute():
        return _grouped(
            {
                "pledged": [
                    Contribution.objects.values(key=F("mechanism")),
                    Deposit.objects.filter(is_increase=True).values(
                        key=F("contribution__mechanism")
                    ),
                ],
                "received": [Deposit.objects.values(key=F("contribution__mechanism"))],
                "approved": [FundingApproval.objects.values(key=F("mechanism"))],
                "transferred": [Tranche.objects.values(key=F("project__mechanism"))],
                "spent": [Expenditure.objects.values(key=F("project__mechanism"))],
            },
            "key",
        )

    return cached_figures.cached("mechanisms", compute)


def attach_figures(rows) -> list:
    """Give each mechanism of `rows` its `figures` (see `mechanism_figures`)."""
    figures = mechanism_figures()
    rows = list(rows)
    for mechanism in rows:
        mechanism.figures = figures.get(mechanism.pk, Figures())
    return rows


@dataclass
class DonorLedger:
    """A mechanism's ledger by donor whose parts add up to its total: the
    donors (each with its `figures`), the approvals charged to no donor's
    contribution (mechanisms that approve without charging a contribution,
    such as QIPs; None where there are none), and the mechanism's figures."""

    donors: list
    not_charged: Figures | None
    total: Figures

    def __bool__(self) -> bool:
        return bool(self.donors or self.not_charged)


def donor_table(mechanism: Mechanism) -> DonorLedger:
    """`by_donor`, each row with its `figures`, and the approvals charged to
    none of the donors, so that the rows add up to the mechanism's figures
    (`mechanism.figures`, given by `attach_figures`). Cached."""
    donors = cached_figures.cached(
        "donors", lambda: with_figures(by_donor(mechanism)), mechanism.pk
    )
    total = mechanism.figures
    rest = total.approved - sum((donor.figures.approved for donor in donors), ZERO)
    return DonorLedger(
        donors=donors, not_charged=Figures(approved=rest) if rest else None, total=total
    )


def region_table(mechanism: Mechanism) -> list:
    """`by_region`, each row with its `figures`, cached."""
    return cached_figures.cached(
        "regions", lambda: with_figures(by_region(mechanism)), mechanism.pk
    )


def year_table(mechanism: Mechanism) -> list[YearFigures]:
    """`by_year`, cached."""
    return cached_figures.cached("years", lambda: by_year(mechanism), mechanism.pk)


def project_paginator(mechanism: Mechanism, per_page: int) -> Paginator:
    """The pages of `by_project`, from its number of rows (cached)."""
    count = cached_figures.cached(
        "project-count", lambda: by_project(mechanism).count(), mechanism.pk
    )
    return Paginator(range(count), per_page)


def project_rows(mechanism: Mechanism, page: Page) -> list:
    """The projects of `page` (of `project_paginator`) in `by_project`,
    cached: sorting by approved money sums it for every project of the
    mechanism. One query while not cached, none without any project."""
    if not page.paginator.count:
        return []
    first = page.start_index() - 1
    return cached_figures.cached(
        "projects",
        lambda: list(by_project(mechanism)[first : page.end_index()]),
        mechanism.pk,
        page.paginator.per_page,
        page.number,
    )
