"""The maps of the read layer's pages: regions filled by their projects or
their approved money (dashboard, a mechanism's page, the projects list) and
projects' locations (dashboard, a region's page, a plan's report).

The figures are the pages' own (`projects.maps`, on the rows each page
already selects); the drawing is `regions.maps`. Which of a sensitive
location's coordinates a reader may see is decided once, by
`projects.access.can_see_exact_coordinates`, before any row is read.
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from projects import access as project_access
from projects import maps as project_maps
from projects.models import PROJECT_ADDRESS, Project
from regions import maps
from regions.models import Region

MEASURE_PARAM = project_maps.MEASURE_PARAM
COLOUR_PARAM = "points"  # ?points=status or ?points=mechanism
COLOURS = ("status", "mechanism")
# A point is a few hundred bytes (a few dozen compressed): past these, the page
# says the list has the rest. The dashboard's keep it within its weight
# budget (docs/performance.md, "Page weight").
DASHBOARD_POINTS = 60
REGION_POINTS = 300

measure_of = project_maps.measure_of
regions = project_maps.regions
choropleth = project_maps.choropleth
measure_choice = project_maps.measure_choice


def colour_of(query: QueryDict) -> str:
    colour = query.get(COLOUR_PARAM)
    return colour if colour in COLOURS else COLOURS[0]


def colour_choice(action: str, colour: str, hidden: Iterable[tuple[str, str]]) -> dict:
    return {
        "action": action,
        "name": COLOUR_PARAM,
        "label": _("Points coloured by"),
        "current": colour,
        "options": [("status", _("status")), ("mechanism", _("financing mechanism"))],
        "hidden": [(name, value) for name, value in hidden if name != COLOUR_PARAM],
    }


def sees_exact_coordinates(user) -> bool:
    return project_access.can_see_exact_coordinates(user)


def project_points(
    projects: QuerySet,
    *,
    exact: bool,
    colour_by: str,
    limit: int,
    focus: str | None = None,
    regions_drawn: list[Region] | None = None,
) -> maps.PointMap:
    """`projects`' locations as points (three queries: the locations, the
    cercles of projects without one, the regions). `exact`: whether the
    reader sees sensitive coordinates (`sees_exact_coordinates`)."""
    places, unplaced, limited = project_maps.places(projects, exact=exact, limit=limit)
    if colour_by == "mechanism":
        acronyms = sorted({place.mechanism for place in places})
        categories = [(acronym, acronym) for acronym in acronyms]
        title = _("Where the projects are, by financing mechanism")
    else:
        categories = [(value, str(label)) for value, label in Project.Status.choices]
        title = _("Where the projects are, by status")
    return maps.point_map(
        title,
        places,
        regions=regions() if regions_drawn is None else regions_drawn,
        colour_by="mechanism" if colour_by == "mechanism" else "status",
        categories=categories,
        url=PROJECT_ADDRESS,
        focus=focus,
        unplaced=unplaced,
        limited=limited,
    )
