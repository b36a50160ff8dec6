"""The figures that span apps, defined once, and the glossary of every figure
the portal shows.

The money figures (pledged, received, approved, transferred, spent,
available, left to transfer, delivery rate) are defined in `funding.figures`
and summed across apps by `portfolio.ledgers`; the coverage of a plan's
priorities by `portfolio.coverage`; the beneficiaries by
`projects.models.ProjectQuerySet`. Every page, export and report takes each
figure from there, and links its label to its entry here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from funding.models import FundingApproval
from projects.models import GenderMarker


@dataclass(frozen=True)
class Term:
    """One entry of the glossary: its anchor, its name and what it means."""

    key: str
    name: Promise
    definition: Promise


def glossary() -> list[Term]:
    """Every figure's entry, in the active language."""
    return [
        Term(
            "pledged",
            _("Pledged"),
            _(
                "What donors promised: the amounts of their contributions, raised by the "
                "deposits recorded as increases of a pledge."
            ),
        ),
        Term("received", _("Received"), _("The deposits of the donors' contributions.")),
        Term(
            "approved",
            _("Approved"),
            _("The funding approvals of projects by each mechanism's committee."),
        ),
        Term(
            "transferred",
            _("Transferred"),
            _("The tranches paid to the implementing partners of projects."),
        ),
        Term("spent", _("Spent"), _("The expenditure the implementing partners reported.")),
        Term(
            "available",
            _("Available to approve"),
            _(
                "Received − approved: what a mechanism, a donor or a contribution may still "
                "approve. Approvals of mechanisms that do not charge each approval to a "
                "contribution (QIPs, the Peacebuilding Fund) are shown on a line of their own "
                "beside the donors, so that the parts always add up to the total."
            ),
        ),
        Term(
            "left-to-transfer",
            _("Left to transfer"),
            _(
                "Approved − transferred, in the currency of the approval. A difference that "
                "only comes from exchange rates is shown as such, never as a balance."
            ),
        ),
        Term(
            "delivery-rate",
            _("Delivery rate"),
            _(
                "Spent ÷ transferred, cumulative, as a percentage: what the partners spent of "
                "what they were sent. A year's spending is never divided by another year's "
                "transfers."
            ),
        ),
        Term(
            "coverage",
            _("Coverage of a priority"),
            _(
                "The approved money (in US dollars) of the priority's projects ÷ the priority's "
                "estimated cost. Under the gap threshold the priority is a gap; beyond full "
                "coverage it is over-programmed."
            ),
        ),
        Term(
            "gap",
            _("Gap"),
            gettext("A priority whose coverage is under the gap threshold (%(threshold)s %%).")
            % {"threshold": settings.COVERAGE_GAP_THRESHOLD},
        ),
        Term(
            "over-programmed",
            _("Over-programmed"),
            _("A priority whose approved money exceeds its estimated cost (coverage over 100 %)."),
        ),
        Term(
            "targeted",
            _("Beneficiaries targeted"),
            _(
                "The women, men, girls and boys that the projects plan to reach, cancelled "
                "projects left out."
            ),
        ),
        Term(
            "reached",
            _("Beneficiaries reached"),
            _(
                "The women, men, girls and boys reached, from the approved progress reports "
                "only: the latest approved report of each project."
            ),
        ),
        Term(
            "achieved",
            _("Achieved to date"),
            _(
                "What the project indicators contributing to an outcome indicator achieved, "
                "from their approved reports only, added up across projects. Each indicator "
                "counts its reports by its method: their sum (each report counts its own "
                "period), their average, or its latest report (each report gives the total so "
                "far); an indicator that is not aggregable is listed, not added up."
            ),
        ),
        Term(
            "results-status",
            _("Status of a priority's results"),
            _(
                "On track: what was achieved to date reaches the target of the latest period "
                "that has ended (a target per period is the value to have reached by its end; "
                "without targets per period, the overall target at the end of the plan). "
                "Behind: it does not. No data: no contributing indicator has an approved "
                "report yet. A priority is behind when one of its outcome indicators is."
            ),
        ),
        Term(
            "gender-share",
            _("Funding for gender equality"),
            _(
                "The share of a mechanism's approved funding (US dollar equivalents) that goes "
                "to projects whose gender marker makes gender equality a significant or the "
                "principal objective (marker 1 or 2, as in the OECD's gender equality policy "
                "marker), compared with the mechanism's target where it has one (the "
                "Peacebuilding Fund: 30 %)."
            ),
        ),
        Term(
            "on-time-rate",
            _("On-time rate"),
            _(
                "Of the reports due in the period, those first sent to headquarters by their "
                "due date ÷ those whose due date has passed or that were sent already. A "
                "report sent, returned and sent again counts from its first sending; a draft "
                "is not sent. Reports not yet due and not sent are left out."
            ),
        ),
        Term(
            "usd-equivalent",
            _("US dollar equivalent"),
            _(
                "Every amount is kept in its own currency with its equivalent in US dollars at "
                "the UN operational rate of the month of its date (a budget: of its start "
                "month). Every total counts every currency through these equivalents."
            ),
        ),
        Term(
            "rounding",
            _("Rounding"),
            _(
                "Amounts are rounded to the nearest unit shown, never cut off. A total is "
                "computed from the unrounded amounts, so it may differ by one from the sum of "
                "the rounded lines above it."
            ),
        ),
    ]


HUNDRED = Decimal("100")


@dataclass(frozen=True)
class GenderShare:
    """A mechanism's approved funding, the part of it for gender equality,
    that part as a percentage (none while nothing is approved) and the target."""

    approved_usd: Decimal
    gender_usd: Decimal
    percent: Decimal | None
    target: Decimal | None

    @property
    def meets_target(self) -> bool | None:
        if self.percent is None or self.target is None:
            return None
        return self.percent >= self.target


def gender_share(mechanism) -> GenderShare:
    """`mechanism`'s funding for gender equality (glossary: "gender-share"), in one query."""
    sums = FundingApproval.objects.filter(mechanism=mechanism).aggregate(
        approved=Sum("amount_usd"),
        gender=Sum("amount_usd", filter=Q(project__gender_marker__gte=GenderMarker.SIGNIFICANT)),
    )
    approved, gender = sums["approved"] or Decimal("0"), sums["gender"] or Decimal("0")
    percent = gender * HUNDRED / approved if approved else None
    return GenderShare(approved, gender, percent, mechanism.gender_target_percent)


def coverage_rate(approved: Decimal | None, estimated_cost: Decimal | None) -> Decimal | None:
    """Approved over estimated cost, as a percentage; none without a cost."""
    if not estimated_cost:
        return None
    return (approved or Decimal("0")) * HUNDRED / estimated_cost


def coverage_state(rate: Decimal | None) -> str:
    """ "gap" under the threshold in settings (none without a cost counts as
    a gap only when nothing is approved), "over" over 100 %, else "covered"."""
    if rate is None:
        return ""
    if rate < settings.COVERAGE_GAP_THRESHOLD:
        return "gap"
    if rate > HUNDRED:
        return "over"
    return "covered"
