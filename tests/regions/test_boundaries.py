"""The regions' outlines: the conversion from TopoJSON, the committed file,
and the projection that places towns inside their region."""

import json

import pytest

from regions import boundaries
from tooling.maps import convert_boundaries as convert

# Seats of regions and cercles (GeoNames), and the region whose outline holds them.
KNOWN_PLACES = [
    ("Gao", 16.27167, -0.04472, "ML-7"),
    ("Kidal", 18.44345, 1.40921, "ML-8"),
    ("Mopti", 14.4843, -4.18296, "ML-5"),
    ("Tombouctou", 16.77348, -3.00742, "ML-6"),
    ("Ménaka", 15.91985, 2.39609, "ML-7"),  # drawn inside Gao's outline
    ("Taoudenni", 22.67691, -3.97922, "ML-6"),  # inside Tombouctou's
    ("Djenné", 13.90608, -4.55332, "ML-5"),
    ("Tessalit", 20.20126, 1.01186, "ML-8"),
    ("Ansongo", 15.6597, 0.5022, "ML-7"),
    ("Ségou", 13.4317, -6.2157, "ML-4"),
    ("Bamako", 12.65, -8.0, "ML-BKO"),
]

# A quantized topology of two squares sharing an edge, written by hand:
# arc 0 is the shared edge, arc 1 the rest of the left square, arc 2 of the right.
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    "objects": {
        "squares": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "properties": {"name": "Kidal"}, "arcs": [[0, 1]]},
                {"type": "Polygon", "properties": {"name": "Gao"}, "arcs": [[2, -1]]},
            ],
        }
    },
    "arcs": [
        [[2, 0], [0, 2]],  # (2,0) → (2,2)
        [[2, 2], [-2, 0], [0, -2], [2, 0]],  # (2,2) → (0,2) → (0,0) → (2,0)
        [[2, 0], [2, 0], [0, 2], [-2, 0]],  # (2,0) → (4,0) → (4,2) → (2,2)
    ],
}


def test_arcs_are_decoded_from_deltas_and_the_transform():
    arcs = convert.decode_arcs(TINY)

    assert arcs[0] == [(11.0, 20.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)]


def test_a_negative_arc_index_is_the_arc_reversed_and_joined_without_repeating_a_point():
    arcs = convert.decode_arcs(TINY)

    ring = convert.ring_points([2, -1], arcs)

    assert ring == [(11.0, 20.0), (12.0, 20.0), (12.0, 21.0), (11.0, 21.0), (11.0, 20.0)]


def test_the_topology_is_found_in_the_packages_javascript():
    text = "Datamap.prototype.mliTopo = " + json.dumps(TINY, separators=(",", ":")) + ";\n"

    assert convert.read_topology(text)["arcs"] == TINY["arcs"]
    with pytest.raises(ValueError):
        convert.read_topology("var nothing = 1;")


def test_simplification_keeps_the_ends_and_the_corners_and_drops_what_is_nearly_straight():
    line = [(0, 0), (1, 0.1), (2, -0.1), (3, 0), (3, 5), (3.1, 6), (3, 10)]

    assert convert.simplify(line, 0.5) == [(0, 0), (3, 0), (3, 10)]
    assert convert.simplify(line, 0.05) == line


def test_neighbours_share_their_border_exactly_after_conversion():
    data = convert.convert(TINY, tolerance=0.5)
    kidal, gao = (region for region in data["regions"])  # sorted by code: ML-7 first

    shared = set(boundaries.path_rings(kidal["d"])[0]) & set(boundaries.path_rings(gao["d"])[0])
    assert len(shared) == 2  # the two ends of the shared edge, in both paths


def test_a_path_is_read_back_as_it_was_written():
    rings = [
        [(10.0, 10.0), (20.5, 10.0), (20.5, 30.2), (10.0, 30.2)],
        [(12, 12), (14, 12), (13, 14)],
    ]

    assert boundaries.path_rings(boundaries.path_d(rings)) == [
        [(10.0, 10.0), (20.5, 10.0), (20.5, 30.2), (10.0, 30.2)],
        [(12.0, 12.0), (14.0, 12.0), (13.0, 14.0)],
    ]


def test_the_committed_file_has_every_region_of_the_portal():
    shapes = boundaries.load()

    assert sorted(region.code for region in shapes.regions) == sorted(
        ["ML-1", "ML-2", "ML-3", "ML-4", "ML-5", "ML-6", "ML-7", "ML-8", "ML-BKO"]
    )
    assert [(region.code, region.parent) for region in shapes.later_regions] == [
        ("ML-9", "ML-7"),
        ("ML-10", "ML-6"),
    ]
    assert boundaries.DATA_FILE.stat().st_size < 12_000


@pytest.mark.parametrize(("place", "latitude", "longitude", "code"), KNOWN_PLACES)
def test_known_places_fall_inside_their_regions_outline_and_no_other(
    place, latitude, longitude, code
):
    shapes = boundaries.load()
    x, y = shapes.project(latitude, longitude)

    assert [r.code for r in shapes.regions if boundaries.contains(r.d, x, y)] == [code], place


def test_each_regions_name_is_written_inside_its_outline():
    shapes = boundaries.load()

    for region in shapes.regions:
        assert boundaries.contains(region.d, *region.label), region.code
    for later in shapes.later_regions:
        assert boundaries.contains(shapes.shape(later.parent).d, *later.point), later.code


def test_the_projection_keeps_the_country_in_the_drawing():
    shapes = boundaries.load()

    for latitude, longitude in ((10.15, -12.25), (25.0, 4.24), (15.0, -3.0)):
        x, y = shapes.project(latitude, longitude)
        assert 0 <= x <= shapes.width and 0 <= y <= shapes.height
    # North is up, east is right.
    assert shapes.project(20, 0)[1] < shapes.project(15, 0)[1]
    assert shapes.project(15, 1)[0] > shapes.project(15, 0)[0]
