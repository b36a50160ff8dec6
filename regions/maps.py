"""Maps drawn on the server as SVG, like the charts (`portfolio.charts`):
nothing from elsewhere, no JavaScript, readable on screen, in print and by a
screen reader.

Two kinds, both on the outlines of `regions.boundaries`:

- a choropleth: each region filled by the class of its figure (projects, or
  approved US dollars), a link to the region's page named by its figure, with
  a legend of the classes and the same figures as a table beside it;
- a map of points: each project's location, coloured by its status or its
  mechanism, a link to the project, on the whole country or one region.

The geometry is computed here, `templates/_map.html` and
`templates/_point_map.html` draw it. Colours are the SVG's own attributes
(the content security policy forbids style attributes), so the maps need no
style sheet to be read or printed. What is placed where, and what is kept
from whom, is decided before: `projects.maps`.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import blake2b

from django.utils.translation import gettext as _

from core.text import elide
from regions import boundaries
from regions.models import Region

# Sequential blues, light to dark; the first is "none".
CLASS_FILLS = ["#eef1f4", "#c6dbef", "#85b8dc", "#3d86c0", "#0d4f8b"]
CLASSES = len(CLASS_FILLS) - 1
# Categories of points (statuses, mechanisms), distinct in colour and in print.
POINT_FILLS = ["#7a7a7a", "#c77700", "#2e6fd8", "#148a3c", "#6a3d9a", "#222222", "#c62828"]
OUTSIDE_FILL = "#f7f7f7"
LABEL_SIZE = 10  # units of a drawing 400 across: legible at 360 px wide


def _map_id(prefix: str, *parts) -> str:
    text = repr([str(part) for part in parts])
    return f"{prefix}-{blake2b(text.encode(), digest_size=6).hexdigest()}"


def class_step(largest) -> Decimal:
    """The width of each of the CLASSES classes: the smallest round number
    (1, 2, 2.5 or 5 times a power of ten, and whole) whose CLASSES steps
    reach `largest`."""
    raw = Decimal(largest) / CLASSES
    power = Decimal(10) ** max(raw.adjusted(), 0)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        step = power * factor
        if step >= raw and step == step.to_integral_value():
            return step
    return power * 10


@dataclass
class LegendClass:
    fill: str
    text: str


@dataclass
class MapRegion:
    code: str
    name: str
    url: str
    value: Decimal | int
    text: str
    fill: str
    in_scope: bool = True
    d: str = ""  # the outline; empty for a region drawn as a mark
    # Numbers written into the SVG as text: never localised ("12,5" is no coordinate).
    label_x: str = ""
    label_y: str = ""
    show_label: bool = True  # not in an outline too small for its name
    mark_x: str = ""  # a region drawn as a mark inside its parent's outline
    mark_y: str = ""
    parent_name: str = ""

    @property
    def accessible_name(self) -> str:
        return f"{self.name} : {self.text}"


@dataclass
class Choropleth:
    id: str
    title: str
    measure_label: str
    width: float
    height: float
    regions: list[MapRegion] = field(default_factory=list)
    legend: list[LegendClass] = field(default_factory=list)

    @property
    def shapes(self) -> list[MapRegion]:
        return [region for region in self.regions if region.d]

    @property
    def marks(self) -> list[MapRegion]:
        return [region for region in self.regions if region.mark_x]

    @property
    def rows(self) -> list[MapRegion]:
        """The table's rows: the regions in the section's scope, then any
        other with a figure."""
        return [region for region in self.regions if region.value or region.in_scope]

    @property
    def later_note(self) -> str:
        """ "Ménaka (Gao), Taoudénit (Tombouctou)": each region drawn as a mark,
        and the region whose outline holds it."""
        return ", ".join(f"{region.name} ({region.parent_name})" for region in self.marks)


def choropleth(
    title: str,
    values: dict[str, Decimal | int],
    *,
    regions: Iterable[Region],
    measure_label: str,
    formatter: Callable,
) -> Choropleth:
    """A choropleth of `values` (region code → figure) over `regions`."""
    shapes = boundaries.load()
    largest = max((value or 0 for value in values.values()), default=0)
    step = class_step(largest) if largest else Decimal(0)
    chart = Choropleth(
        id=_map_id("map", title, sorted(values.items())),
        title=title,
        measure_label=measure_label,
        width=shapes.width,
        height=shapes.height,
    )
    chart.legend = [LegendClass(CLASS_FILLS[0], _("none"))]
    if step:
        for index in range(1, CLASSES + 1):
            low, high = step * (index - 1), step * index
            chart.legend.append(
                LegendClass(CLASS_FILLS[index], f"{formatter(low)} – {formatter(high)}")
            )
    regions = list(regions)
    names = {region.code: region.name for region in regions}
    for region in regions:
        value = values.get(region.code) or 0
        index = min(CLASSES, max(1, math.ceil(Decimal(value) / step))) if value else 0
        item = MapRegion(
            code=region.code,
            name=region.name,
            url=region.get_absolute_url(),
            value=value,
            text=formatter(value),
            fill=CLASS_FILLS[index],
            in_scope=region.in_scope,
        )
        if not _place_outline(item, shapes, names, zoom=1):
            continue  # a region the outlines do not know
        chart.regions.append(item)
    chart.regions.sort(key=lambda region: (not region.in_scope, region.name))
    return chart


def _n(value: float) -> str:
    return f"{round(value, 2):g}"


def _place_outline(item: MapRegion, shapes, names: dict[str, str], *, zoom: float) -> bool:
    """Give `item` its outline and the place of its name, or its mark inside
    its parent's outline; False for a region the outlines do not know."""
    shape, later = shapes.shape(item.code), shapes.later(item.code)
    if shape:
        item.d = shape.d
        item.label_x, item.label_y = _n(shape.label[0]), _n(shape.label[1] + 3 * zoom)
        # Bamako's outline is a few units wide: its name would cover its neighbours.
        item.show_label = shape.box[2] - shape.box[0] > 20
        return True
    if later:
        item.mark_x, item.mark_y = _n(later.point[0]), _n(later.point[1])
        # Its name on the side away from its parent's name (two lines, 11 apart).
        parent = shapes.shape(later.parent)
        above = parent is not None and parent.label[1] > later.point[1]
        offset = -20 if above else 15
        item.label_x, item.label_y = _n(later.point[0]), _n(later.point[1] + offset * zoom)
        item.parent_name = names.get(later.parent, later.parent)
        return True
    return False


@dataclass
class Point:
    x: str
    y: str
    fill: str
    url: str
    name: str  # its accessible name and tooltip


@dataclass
class PointMap:
    id: str
    title: str
    view_box: tuple[float, float, float, float]
    radius: float
    label_size: float
    outlines: list[MapRegion]
    points: list[Point]
    legend: list[LegendClass]
    unplaced: int = 0
    limited: bool = False
    approximate: bool = False

    @property
    def view_box_text(self) -> str:
        return " ".join(_n(value) for value in self.view_box)

    @property
    def pixel_height(self) -> str:
        """The height at 400 pixels wide, where a style sheet does not size it."""
        return str(round(400 * self.view_box[3] / self.view_box[2]))

    @property
    def r(self) -> str:
        return _n(self.radius)

    @property
    def stroke(self) -> str:
        return _n(self.radius / 3)

    @property
    def outline_stroke(self) -> str:
        return _n(self.radius / 4)

    @property
    def font_size(self) -> str:
        return _n(self.label_size)

    @property
    def halo(self) -> str:
        return _n(self.label_size / 4)


def point_map(
    title: str,
    places: Sequence,
    *,
    regions: Iterable[Region],
    colour_by: str,
    categories: Sequence[tuple[str, str]],
    url: Callable[[int], str],
    focus: str | None = None,
    unplaced: int = 0,
    limited: bool = False,
) -> PointMap:
    """The `places` (`projects.maps.Place`) as points on the country, or on
    region `focus` (its outline, or the outline it lies in). `categories`:
    (value, label) of the `colour_by` attribute, in the legend's order."""
    shapes = boundaries.load()
    fills = {
        value: POINT_FILLS[index % len(POINT_FILLS)]
        for index, (value, _label) in enumerate(categories)
    }
    box = (0.0, 0.0, float(shapes.width), float(shapes.height))
    outline = shapes.outline_of(focus) if focus else None
    if outline:
        x0, y0, x1, y1 = outline.box
        side = max(x1 - x0, y1 - y0) * 1.1
        middle_x, middle_y = (x0 + x1) / 2, (y0 + y1) / 2
        box = (
            round(middle_x - side / 2, 1),
            round(middle_y - side / 2, 1),
            round(side, 1),
            round(side, 1),
        )
    zoom = box[2] / shapes.width
    radius = round(3.2 * zoom, 2)
    # The focused region and, for a region drawn as a mark, the outline it lies in.
    lit = {focus, getattr(shapes.later(focus), "parent", None)} if focus else set()
    outlines = []
    regions = list(regions)
    names = {region.code: region.name for region in regions}
    for region in regions:
        if not focus:
            fill = CLASS_FILLS[0]
        else:
            fill = CLASS_FILLS[1] if region.code in lit else OUTSIDE_FILL
        item = MapRegion(
            code=region.code,
            name=region.name,
            url=region.get_absolute_url(),
            value=0,
            text="",
            fill=fill,
            in_scope=region.in_scope,
        )
        if _place_outline(item, shapes, names, zoom=zoom):
            outlines.append(item)
    points = []
    taken: dict[tuple[float, float], int] = {}
    for place in places:
        x, y = shapes.project(place.latitude, place.longitude)
        # Points at the same spot (a cercle's seat) turn around it on a
        # spiral, each still a link of its own.
        rank = taken.get((x, y), 0)
        taken[(x, y)] = rank + 1
        if rank:
            angle = rank * 2.39996  # the golden angle, in radians
            distance = radius * 1.7 * math.sqrt(rank)
            x, y = x + distance * math.cos(angle), y + distance * math.sin(angle)
        category = getattr(place, colour_by)
        labels = dict(categories)
        where = (
            place.where
            if place.exact
            else elide(_("near %(cercle)s, its cercle's seat") % {"cercle": place.where})
        )
        name = f"{place.code} — {place.title} ({labels.get(category, category)}) — {where}"
        points.append(
            Point(
                x=_n(round(x, 1)),
                y=_n(round(y, 1)),
                fill=fills.get(category, POINT_FILLS[0]),
                url=url(place.project_id),
                name=name,
            )
        )
    present = {getattr(place, colour_by) for place in places}
    return PointMap(
        id=_map_id("points", title, focus, len(points)),
        title=title,
        view_box=box,
        radius=radius,
        label_size=round(LABEL_SIZE * zoom, 1),
        outlines=outlines,
        points=points,
        legend=[
            LegendClass(fills[value], str(label)) for value, label in categories if value in present
        ],
        unplaced=unplaced,
        limited=limited,
        approximate=any(not place.exact for place in places),
    )
