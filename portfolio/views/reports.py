"""Printable reports: one mechanism's (its figures, its ledger by donor and by
region, every one of its projects, its rules) and the donors' (one
contribution, or every contribution of one donor: the money, the projects it
funded and what they achieved).

Every figure is summed by the database (`portfolio.ledgers`), and a report costs
the same number of queries whatever its rows."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.security_log import logs_export
from coordination.models import Organisation
from funding.figures import delivery_rate, total
from funding.filters import listed_contributions
from funding.models import Expenditure, FundingApproval, Mechanism, Tranche
from portfolio import exports, ledgers
from projects.models import Indicator, IndicatorReport, Project
from reviews.models import ReviewStatus


def _with_delivery_rates(projects) -> list:
    """Each project's delivery rate in its own currency, in which all its
    amounts are recorded (as on the mechanism page and in its export)."""
    projects = list(projects)
    for project in projects:
        project.delivery_rate = delivery_rate(project.spent_amount, project.transferred_amount)
    return projects


@login_required
@require_safe
def mechanism_report(request, code):
    # The mechanism, its windows, its tranche schedule, its figures; its
    # donors, its regions (cached figures, see `portfolio.ledgers`); all its
    # projects.
    mechanism = get_object_or_404(
        Mechanism.objects.prefetch_related("windows", "tranche_steps"), code=code
    )
    (mechanism,) = ledgers.attach_figures([mechanism])
    context = {
        "mechanism": mechanism,
        "has_money": any(getattr(mechanism.figures, name) for name in ledgers.FIGURES),
        "donor_ledger": ledgers.donor_table(mechanism),
        "regions": ledgers.region_table(mechanism),
        # A report lists every project: no pages.
        "projects": _with_delivery_rates(ledgers.by_project(mechanism)),
    }
    return render(request, "portfolio/mechanism_report.html", context)


# --- Donor reports ---------------------------------------------------------------------


def _indicators() -> Prefetch:
    """A project's indicators, each with `achieved` (the value of its latest
    approved report, by period) and `achieved_on` (that period's end). A
    report not yet approved is no result to show a donor."""
    approved = IndicatorReport.objects.filter(
        indicator=OuterRef("pk"), review_status=ReviewStatus.APPROVED
    ).order_by("-period_end", "-pk")
    return Prefetch(
        "indicators",
        queryset=Indicator.objects.annotate(
            achieved=Subquery(approved.values("value")[:1]),
            achieved_on=Subquery(approved.values("period_end")[:1]),
        ).order_by("pk"),
    )


def _funded_projects(charged: dict) -> QuerySet:
    """The projects funded by the approvals matching `charged` (lookups on
    FundingApproval), with their region, partner and indicators (two queries),
    each annotated in US dollars with

        charged      the approvals matching `charged`
        approved     all its approvals, whatever they are charged to
        transferred  its tranches
        spent        its expenditure

    and approved, transferred and spent in its own currency (`*_amount`)."""
    own = {"project": OuterRef("pk")}
    approvals = FundingApproval.objects.filter(**own)
    tranches = Tranche.objects.filter(**own)
    spending = Expenditure.objects.filter(**own)
    return (
        Project.objects.filter(pk__in=FundingApproval.objects.filter(**charged).values("project"))
        .select_related("region", "implementing_partner")
        .annotate(
            charged=total(approvals.filter(**charged)),
            approved=total(approvals),
            transferred=total(tranches),
            spent=total(spending),
            approved_amount=total(approvals, "amount"),
            transferred_amount=total(tranches, "amount"),
            spent_amount=total(spending, "amount"),
        )
        .prefetch_related(_indicators())
        .order_by("-charged", "code")
    )


def _with_shares(projects) -> list:
    """Each project's `share`: the part of all its approvals charged to the
    donor's money, in percent (a project may be funded by several donors)."""
    projects = _with_delivery_rates(projects)
    for project in projects:
        project.share = project.charged * 100 / project.approved if project.approved else None
    return projects


def _donor_report(request, *, charged: dict, context: dict):
    """The part both donor reports share: the approvals matching `charged`
    with their projects and contributions (one query), and the projects they
    funded with their figures and indicators (two)."""
    approvals = (
        FundingApproval.objects.filter(**charged)
        .select_related("project", "contribution__mechanism")
        .order_by("approved_on", "pk")
    )
    context = {
        **context,
        "approvals": approvals,
        "projects": _with_shares(_funded_projects(charged)),
    }
    return render(request, "portfolio/donor_report.html", context)


@login_required
@require_safe
def contribution_report(request, pk):
    # The contribution with its donor, mechanism, earmark and figures.
    contribution = get_object_or_404(listed_contributions(), pk=pk)
    return _donor_report(
        request,
        charged={"contribution": contribution},
        context={
            "contribution": contribution,
            "donor": contribution.donor,
            "contributions": [contribution],
        },
    )


def _donor_contributions(pk) -> QuerySet:
    # The donor's contributions with their mechanism, earmark and figures,
    # the donor joined.
    return listed_contributions().filter(donor=pk).order_by("pledged_on", "pk")


@login_required
@require_safe
def donor_report(request, pk):
    # An organisation without any contribution is no donor (404).
    rows = _donor_contributions(pk)
    contributions = list(rows)
    if not contributions:
        raise Http404
    totals = rows.aggregate(
        pledged=Sum("pledged_usd"),
        received=Sum("received_usd"),
        approved=Sum("approved_usd"),
        available=Sum("available_usd"),
    )
    return _donor_report(
        request,
        charged={"contribution__donor": pk},
        context={
            "donor": contributions[0].donor,
            "contributions": contributions,
            "totals": {name: value or Decimal("0") for name, value in totals.items()},
        },
    )


def _donor(pk) -> Organisation:
    """The organisation, if it pledged anything (else 404, as its report)."""
    donors = Organisation.objects.filter(contributions__isnull=False).distinct()
    return get_object_or_404(donors, pk=pk)


# The donor's ledger as files: the report's contributions with their figures,
# and in XLSX the report's totals below them.


@login_required
@require_safe
@logs_export("donor_ledger_csv")
def donor_ledger_csv(request, pk):
    return exports.donor_ledger_csv(_donor(pk), _donor_contributions(pk))


@login_required
@require_safe
@logs_export("donor_ledger_xlsx")
def donor_ledger_xlsx(request, pk):
    return exports.donor_ledger_xlsx(_donor(pk), _donor_contributions(pk))
