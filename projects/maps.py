"""What the maps show of projects: how many, and how much approved, in each
region; where each project is.

Where a location is drawn follows one rule, the one every page and export
applies (`projects.access.can_see_exact_coordinates`): a sensitive
location's coordinates reach staff only. For everyone else the database
itself leaves them out of the query's rows, so they cannot reach a page, a
kept section or a cache; such a location is drawn at its cercle's seat, or
not at all. A location without coordinates is drawn at its cercle's seat,
and so is a project that has cercles but no location.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, QuerySet, Sum, When
from django.utils.translation import gettext as _

from funding.models import FundingApproval
from funding.money import format_whole
from projects.models import Location, Project
from regions import maps
from regions.models import Region

MEASURE_PARAM = "map"  # ?map=projects or ?map=approved


class Measure:
    PROJECTS = "projects"
    APPROVED = "approved"
    CHOICES = (PROJECTS, APPROVED)


def projects_by_region(projects: QuerySet) -> dict[str, int]:
    """Region code → number of `projects` (one grouped query)."""
    rows = (
        Project.objects.filter(pk__in=projects.values("pk"))
        .values("region__code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["region__code"]: row["count"] for row in rows}


def approved_by_region(approvals: QuerySet) -> dict[str, Decimal]:
    """Region code → US dollars of `approvals` (funding approvals, the
    ledgers' "approved"), by the region of their project: one grouped query."""
    rows = approvals.values("project__region__code").annotate(total=Sum("amount_usd")).order_by()
    return {row["project__region__code"]: row["total"] or Decimal(0) for row in rows}


def approved_of(projects: QuerySet) -> QuerySet:
    """The funding approvals of `projects`."""
    return FundingApproval.objects.filter(project__in=projects.values("pk"))


def measure_of(query) -> str:
    measure = query.get(MEASURE_PARAM)
    return measure if measure in Measure.CHOICES else Measure.PROJECTS


def regions() -> list[Region]:
    """Every region, for the outlines and their links (one query)."""
    return list(Region.objects.only("code", "name_fr", "name_en", "in_scope"))


def choropleth(
    measure: str, values: dict, *, regions_drawn: list[Region] | None = None
) -> maps.Choropleth:
    """Regions filled by `values` (region code → projects, or approved USD):
    one query for the regions unless they are given."""
    if measure == Measure.APPROVED:
        title, label = _("Approved by region (USD)"), _("Approved (USD)")
    else:
        title, label = _("Projects by region"), _("Projects")
    return maps.choropleth(
        title,
        values,
        regions=regions() if regions_drawn is None else regions_drawn,
        measure_label=label,
        formatter=format_whole,
    )


def projects_choropleth(measure: str, projects: QuerySet) -> maps.Choropleth:
    """The choropleth of `projects` (a filtered list): their number, or the
    US dollars approved for them, by region. Two queries."""
    if measure == Measure.APPROVED:
        values = approved_by_region(approved_of(projects))
    else:
        values = projects_by_region(projects)
    return choropleth(measure, values)


def measure_choice(action: str, measure: str, hidden) -> dict:
    """The form that chooses what fills the regions, keeping the page's
    other parameters (`hidden`: name, value pairs)."""
    return {
        "action": action,
        "name": MEASURE_PARAM,
        "label": _("Regions filled by"),
        "current": measure,
        "options": [
            (Measure.PROJECTS, _("number of projects")),
            (Measure.APPROVED, _("approved US dollars")),
        ],
        "hidden": [(name, value) for name, value in hidden if name not in (MEASURE_PARAM, "page")],
    }


@dataclass(frozen=True)
class Place:
    """Where one project is drawn."""

    project_id: int
    code: str
    title: str
    status: str
    status_label: str
    mechanism: str  # the acronym
    latitude: Decimal
    longitude: Decimal
    exact: bool  # False: at its cercle's seat
    where: str  # the place, or the cercle for a point at its seat


def places(projects: QuerySet, *, exact: bool, limit: int) -> tuple[list[Place], int, bool]:
    """Where `projects` are: each location (one query), then each cercle of
    the projects without any location (one query), at most `limit` points
    in all. Returns the places, how many locations could not be placed (no
    coordinates and no seat, or withheld without a seat), and whether the
    limit left some out. `exact`: the reader may see sensitive coordinates."""
    chosen = projects.values("pk")
    latitude, longitude = F("latitude"), F("longitude")
    if not exact:
        sensitive = When(sensitivity=Location.Sensitivity.SENSITIVE, then=None)
        latitude = Case(sensitive, default=F("latitude"))
        longitude = Case(sensitive, default=F("longitude"))
    rows = list(
        Location.objects.filter(project__in=chosen)
        .annotate(shown_latitude=latitude, shown_longitude=longitude)
        .values(
            "project_id",
            "project__code",
            "project__title",
            "project__status",
            "project__mechanism__acronym",
            "place",
            "shown_latitude",
            "shown_longitude",
            "cercle__name",
            "cercle__seat_latitude",
            "cercle__seat_longitude",
        )
        .order_by("project__code", "pk")[: limit + 1]
    )
    found: list[Place] = []
    unplaced = 0
    seen = set()
    for row in rows:
        if row["shown_latitude"] is not None:
            point = (row["shown_latitude"], row["shown_longitude"], True, row["place"])
        elif row["cercle__seat_latitude"] is not None:
            point = (
                row["cercle__seat_latitude"],
                row["cercle__seat_longitude"],
                False,
                row["cercle__name"],
            )
        else:
            unplaced += 1
            continue
        key = (row["project_id"], point[0], point[1])
        if key in seen:
            continue
        seen.add(key)
        found.append(_place(row, "project__", point))
    more = len(found) > limit
    room = limit - len(found)
    if room > 0:
        # Projects with cercles and no location at all: at each cercle's seat.
        through = Project.cercles.through.objects.filter(
            project__in=chosen, cercle__seat_latitude__isnull=False
        ).exclude(project__in=Location.objects.values("project"))
        cercle_rows = list(
            through.values(
                "project_id",
                "project__code",
                "project__title",
                "project__status",
                "project__mechanism__acronym",
                "cercle__name",
                "cercle__seat_latitude",
                "cercle__seat_longitude",
            ).order_by("project__code", "cercle__name")[: room + 1]
        )
        more = more or len(cercle_rows) > room
        for row in cercle_rows[:room]:
            point = (
                row["cercle__seat_latitude"],
                row["cercle__seat_longitude"],
                False,
                row["cercle__name"],
            )
            found.append(_place(row, "project__", point))
    return found[:limit], unplaced, more


STATUS_LABELS = dict(Project.Status.choices)


def _place(row: dict, prefix: str, point: tuple) -> Place:
    latitude, longitude, exact, where = point
    status = row[f"{prefix}status"]
    return Place(
        project_id=row["project_id"],
        code=row[f"{prefix}code"],
        title=row[f"{prefix}title"],
        status=status,
        status_label=str(STATUS_LABELS.get(status, status)),
        mechanism=row[f"{prefix}mechanism__acronym"] or "",
        latitude=latitude,
        longitude=longitude,
        exact=exact,
        where=where or "",
    )
