"""The outline of Mali's regions, drawn by the portal itself.

`regions/data/mali_regions.json` holds each first-level region as an SVG
path, already simplified and projected; `tooling/maps/convert_boundaries.py`
wrote it once from Natural Earth's boundaries (docs/maps.md says where they
come from, under which licence, and how to write the file again).

The projection is equirectangular, its longitudes shortened by the cosine of
Mali's middle latitude so that the country keeps its shape: at this size a
unit of the drawing is about four kilometres. `project` places any point
with the same parameters as the outlines, so a project's location falls
where the outlines say it is.

Nothing here reads the database: the conversion script, the pages and the
tests share it.
"""

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "mali_regions.json"


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude to the drawing's units (y grows downwards)."""

    west: float  # the longitude at x = margin
    north: float  # the latitude at y = margin
    scale: float  # units per degree of latitude
    shrink: float  # cos(middle latitude): a degree of longitude is shorter
    margin: float

    def __call__(self, latitude, longitude) -> tuple[float, float]:
        x = self.margin + (float(longitude) - self.west) * self.scale * self.shrink
        y = self.margin + (self.north - float(latitude)) * self.scale
        return round(x, 1), round(y, 1)

    def as_dict(self) -> dict:
        return {
            "west": self.west,
            "north": self.north,
            "scale": self.scale,
            "shrink": self.shrink,
            "margin": self.margin,
        }


@dataclass(frozen=True)
class RegionShape:
    code: str
    source_name: str  # the name in the source data (English)
    d: str  # the SVG path, relative moves after the first point
    label: tuple[float, float]  # a point well inside the outline, for its name
    box: tuple[float, float, float, float]  # min x, min y, max x, max y


@dataclass(frozen=True)
class LaterRegion:
    """A region created after the source's boundaries: drawn as a mark at its
    seat, inside the outline of the region it was part of."""

    code: str
    parent: str
    seat: str
    point: tuple[float, float]


@dataclass(frozen=True)
class Boundaries:
    width: float
    height: float
    projection: Projection
    regions: tuple[RegionShape, ...]
    later_regions: tuple[LaterRegion, ...]

    def shape(self, code: str) -> RegionShape | None:
        for region in self.regions:
            if region.code == code:
                return region
        return None

    def later(self, code: str) -> LaterRegion | None:
        for region in self.later_regions:
            if region.code == code:
                return region
        return None

    def outline_of(self, code: str) -> RegionShape | None:
        """The outline that holds region `code`: its own, or its parent's."""
        later = self.later(code)
        return self.shape(later.parent if later else code)

    def project(self, latitude, longitude) -> tuple[float, float]:
        return self.projection(latitude, longitude)


@cache
def load(path: Path = DATA_FILE) -> Boundaries:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Boundaries(
        width=data["width"],
        height=data["height"],
        projection=Projection(**data["projection"]),
        regions=tuple(
            RegionShape(
                code=region["code"],
                source_name=region["source_name"],
                d=region["d"],
                label=tuple(region["label"]),
                box=tuple(region["box"]),
            )
            for region in data["regions"]
        ),
        later_regions=tuple(
            LaterRegion(
                code=region["code"],
                parent=region["parent"],
                seat=region["seat"],
                point=tuple(region["point"]),
            )
            for region in data["later_regions"]
        ),
    )


# --- paths: written by the conversion, read back by the tests -------------------

_NUMBER = r"-?\d+(?:\.\d+)?"
_COMMAND = re.compile(rf"([MmLlHhVvZz])|({_NUMBER})")


def path_d(rings: list[list[tuple[float, float]]]) -> str:
    """Closed rings as an SVG path: an absolute move to each ring's first
    point, then relative lines (shorter), one decimal."""
    parts = []
    x = y = 0.0
    for ring in rings:
        points = [(round(px, 1), round(py, 1)) for px, py in ring]
        if points[0] == points[-1]:
            points = points[:-1]
        first_x, first_y = points[0]
        parts.append(f"M{_number(first_x)} {_number(first_y)}l")
        x, y = first_x, first_y
        moves = []
        for px, py in points[1:]:
            dx, dy = round(px - x, 1), round(py - y, 1)
            moves.append(f"{_number(dx)} {_number(dy)}")
            x, y = round(x + dx, 1), round(y + dy, 1)
        parts.append(" ".join(moves).replace(" -", "-") + "z")
    return "".join(parts)


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def path_rings(d: str) -> list[list[tuple[float, float]]]:
    """The rings of a path written by `path_d` (M, l and z commands)."""
    rings: list[list[tuple[float, float]]] = []
    command = None
    numbers: list[float] = []
    x = y = 0.0

    def flush():
        nonlocal x, y
        for index in range(0, len(numbers) - 1, 2):
            dx, dy = numbers[index], numbers[index + 1]
            if command == "M" and index == 0:
                x, y = dx, dy
                rings.append([(x, y)])
            else:
                x, y = x + dx, y + dy
                rings[-1].append((round(x, 1), round(y, 1)))
        numbers.clear()

    for letter, number in _COMMAND.findall(d):
        if letter:
            flush()
            command = letter
        else:
            numbers.append(float(number))
    flush()
    return rings


def contains(d: str, x: float, y: float) -> bool:
    """Whether (x, y) lies inside the path (even-odd rule: a hole is out)."""
    inside = False
    for ring in path_rings(d):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def distance_to_edges(rings, x: float, y: float) -> float:
    best = math.inf
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            dx, dy = x2 - x1, y2 - y1
            length = dx * dx + dy * dy
            t = 0.0 if not length else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length))
            best = min(best, math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)))
    return best
