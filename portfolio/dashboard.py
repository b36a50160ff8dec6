"""The figures of the home dashboard: the portfolio at a glance for everyone,
and what awaits the signed-in person.

Every figure is an aggregate made by the database (GROUP BY, SUM), in a fixed
number of queries whatever the number of projects and amounts: see
`tests/portfolio/test_dashboard.py` for how many.

The filter (a year, a region or the regions of the reader's office) applies
to everything: projects whose planned period touches the year, money whose
date falls in it; projects and money of the regions. The staff of a regional
office land on their office's regions, everyone else on the whole country.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.roles import Role
from coordination.models import Decision, Meeting
from core import cached_figures
from core.forms import Form
from funding.figures import delivery_rate
from funding.models import Expenditure, FundingApproval, Mechanism, Tranche
from portfolio import reporting
from projects.due_links import rows_for
from projects.models import Project
from regions import access as region_access
from regions.models import Pillar, Region

ENDING_WITHIN_DAYS = 30
PERSONAL_LIMIT = 10
FIRST_YEAR = 2013  # the section's first year of work
# The region choice standing for the regions of the reader's office together.
OFFICE_REGIONS = "office"


class DashboardFilter(Form):
    """A year and a region. The region is the whole country (an empty value),
    one region (its code), or, for the staff of an office covering several
    regions, the office's regions together (`OFFICE_REGIONS`)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, home_regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("All years"))] + [
            (year, str(year)) for year in range(this_year + 1, FIRST_YEAR - 1, -1)
        ]
        self.home_regions = tuple(home_regions)
        self._regions = None
        # A callable: the regions are read when the choices are first needed.
        self.fields["region"].choices = self._region_choices

    def regions(self) -> dict[str, Region]:
        if self._regions is None:
            self._regions = {region.code: region for region in Region.objects.in_scope()}
        return self._regions

    def _region_choices(self) -> list[tuple[str, str]]:
        choices = [("", _("Whole country"))]
        if len(self.home_regions) > 1:
            choices.append((OFFICE_REGIONS, office_regions_label(self.home_regions)))
        return choices + [(code, region.name) for code, region in self.regions().items()]

    def clean_region(self) -> tuple[Region, ...]:
        value = self.cleaned_data["region"]
        if not value:
            return ()
        if value == OFFICE_REGIONS:
            return self.home_regions
        return (self.regions()[value],)


def office_regions_label(regions) -> str:
    return _("Your office's regions: %(names)s") % {
        "names": ", ".join(region.name for region in regions)
    }


@dataclass
class Selection:
    year: int | None = None
    # No region: the whole country.
    regions: tuple[Region, ...] = ()
    # Partners and viewers: only the published projects (reviews.visibility).
    published_only: bool = False

    @property
    def region_codes(self) -> str:
        """The regions as a short text, for cache keys."""
        return ",".join(sorted(region.code for region in self.regions))

    @property
    def region_value(self) -> str:
        """The regions as the filter's region field says them."""
        if not self.regions:
            return ""
        if len(self.regions) == 1:
            return self.regions[0].code
        return OFFICE_REGIONS

    def project_lookups(self, prefix: str = "") -> Q:
        """The selection as conditions on projects reached through `prefix`
        (`projects__` from a mechanism or a region)."""
        lookups = Q()
        if self.published_only:
            lookups &= Q(**{f"{prefix}status__in": Project.PUBLISHED_STATES})
        if self.regions:
            lookups &= Q(**{f"{prefix}region__in": [region.pk for region in self.regions]})
        if self.year:
            lookups &= Q(
                **{
                    f"{prefix}planned_start__lte": datetime.date(self.year, 12, 31),
                    f"{prefix}planned_end__gte": datetime.date(self.year, 1, 1),
                }
            )
        return lookups

    def projects(self) -> QuerySet:
        return Project.objects.filter(self.project_lookups())

    def money(self, model, date_field: str) -> QuerySet:
        rows = model.objects.all()
        if self.published_only:
            rows = rows.filter(project__status__in=Project.PUBLISHED_STATES)
        if self.regions:
            rows = rows.filter(project__region__in=[region.pk for region in self.regions])
        if self.year:
            rows = rows.filter(**{f"{date_field}__year": self.year})
        return rows


def _counts(projects: QuerySet, *fields: str) -> list[dict]:
    return list(projects.values(*fields).annotate(count=Count("pk")).order_by(*fields))


def portfolio(selection: Selection, *, first_regions=()) -> dict:
    """The portfolio at a glance: nine queries (eleven for a year), or none while the cached
    figures of this selection hold (`core.cached_figures`). A regional
    officer's regions (`first_regions`, codes) come first."""
    scope = "published" if selection.published_only else "all"
    figures = cached_figures.cached(
        "portfolio",
        lambda: _portfolio(selection),
        selection.year or "",
        selection.region_codes,
        scope,
    )
    regions = list(figures["by_region"])
    regions.sort(key=lambda region: (region.code not in first_regions, -region.count, region.code))
    return {**figures, "by_region": regions}


def _portfolio(selection: Selection) -> dict:
    projects = selection.projects()
    statuses = {row["status"]: row["count"] for row in _counts(projects, "status")}
    by_status = [(label, statuses.get(value, 0)) for value, label in Project.Status.choices]

    # The selection joined, not `projects__in` a subquery: over the whole
    # table, PostgreSQL read every project twice for it.
    in_selection = selection.project_lookups("projects__")
    regions = list(
        Region.objects.filter(Q(projects__isnull=False) & in_selection).annotate(
            count=Count("projects")
        )
    )

    pillars = {
        row["priority__pillar"]: row["count"] for row in _counts(projects, "priority__pillar")
    }
    by_pillar = [(label, pillars.get(value, 0)) for value, label in Pillar.choices]
    if pillars.get(None):
        by_pillar.append((_("No plan priority"), pillars[None]))

    money = {}
    for name, model, date_field in (
        ("approved", FundingApproval, "approved_on"),
        ("transferred", Tranche, "paid_on"),
        ("spent", Expenditure, "spent_on"),
    ):
        for row in (
            selection.money(model, date_field)
            .values("project__mechanism")
            .annotate(total=Sum("amount_usd"))
            .order_by()
        ):
            money.setdefault(row["project__mechanism"], {})[name] = row["total"]
    mechanisms = []
    counted = Count("projects", filter=in_selection) if in_selection else Count("projects")
    for mechanism in Mechanism.objects.annotate(count=counted):
        figures = money.get(mechanism.pk, {})
        mechanisms.append(
            {
                "mechanism": mechanism,
                "count": mechanism.count,
                "approved": figures.get("approved") or 0,
                "transferred": figures.get("transferred") or 0,
                "spent": figures.get("spent") or 0,
            }
        )
    totals = {
        name: sum(row[name] for row in mechanisms) for name in ("approved", "transferred", "spent")
    }
    totals["delivery_rate"] = _delivery_rate(selection, totals)
    return {
        "by_status": by_status,
        "by_region": regions,
        "by_pillar": by_pillar,
        "by_mechanism": mechanisms,
        "money": totals,
        "project_count": sum(statuses.values()),
        "targeted": projects.beneficiaries_targeted(),
        "reached": projects.beneficiaries_reached(),
    }


def _delivery_rate(selection: Selection, totals: dict):
    """Spent ÷ transferred, cumulative: for a year, what was spent by its end
    of what was transferred by its end (two more queries), never one year's
    spending over the same year's transfers."""
    if not selection.year:
        return delivery_rate(totals["spent"], totals["transferred"])
    through = Selection(regions=selection.regions, published_only=selection.published_only)
    end = datetime.date(selection.year, 12, 31)
    transferred = through.money(Tranche, "paid_on").filter(paid_on__lte=end)
    spent = through.money(Expenditure, "spent_on").filter(spent_on__lte=end)
    return delivery_rate(
        spent.aggregate(total=Sum("amount_usd"))["total"],
        transferred.aggregate(total=Sum("amount_usd"))["total"],
    )


def personal(user, *, today: datetime.date | None = None) -> dict:
    """What awaits `user`: their projects ending soon, QIPs running past their
    limit, the decisions they own that are overdue, the next meetings of their
    bodies, the reports awaited from them (`portfolio.reporting.due_for_user`).
    Five queries (the review queue's count is in every page already), and
    those of the reports for the staff who see them."""
    today = today or timezone.localdate()
    regions = region_access.editable_regions(user)
    mine = Q(focal_point=user) | Q(region__in=regions)
    ongoing = Project.objects.filter(mine, status=Project.Status.ONGOING).select_related("region")
    ending = ongoing.filter(
        planned_end__gte=today, planned_end__lte=today + datetime.timedelta(days=ENDING_WITHIN_DAYS)
    ).order_by("planned_end", "code")
    # The QIP limit is data of the mechanism (six months): one query.
    qip = Mechanism.objects.filter(code="qip").first()
    late_qips = Project.objects.none()
    if qip and qip.max_duration_months:
        started = Coalesce("actual_start", "planned_start")
        late_qips = (
            ongoing.filter(mechanism=qip)
            .alias(started=started)
            .filter(started__lt=_months_before(today, qip.max_duration_months))
            .order_by("started", "code")
        )
    decisions = (
        Decision.objects.overdue(today)
        .filter(owner_user=user)
        .select_related("meeting__body")
        .order_by("due_date", "pk")
    )
    bodies = Q(body__region__isnull=True) | Q(body__region__in=_office_regions(user))
    meetings = Meeting.objects.upcoming().filter(bodies).select_related("body")
    due = reporting.due_for_user(user, today=today)
    return {
        # Partners, viewers and people without a role submit nothing and are
        # given no project: their queue and projects are always empty.
        "has_own_work": not access.is_read_only(user) or access.is_administrator(user),
        "sees_due_reports": access.sees_due_reports(user),
        "sees_compliance": access.sees_reporting_compliance(user),
        "due_overdue_only": access.role_of(user) == Role.HQ_OFFICER,
        "due_count": len(due),
        "due_rows": rows_for(user, due[:PERSONAL_LIMIT]),
        "ending_soon": list(ending[:PERSONAL_LIMIT]),
        "late_qips": list(late_qips[:PERSONAL_LIMIT]),
        "overdue_decisions": list(decisions[:PERSONAL_LIMIT]),
        "next_meetings": list(meetings[:PERSONAL_LIMIT]),
        "ending_within_days": ENDING_WITHIN_DAYS,
    }


def _office_regions(user) -> QuerySet:
    if user.office_id is None:
        return Region.objects.none()
    return Region.objects.filter(offices=user.office_id)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))
