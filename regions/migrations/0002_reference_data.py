"""Mali's regions, the cercles of the regions in scope, and the offices."""

from django.db import migrations

from accounts.roles import Role, grant_permissions

# (code, French name, English name, in the section's scope)
REGIONS = [
    ("ML-1", "Kayes", "Kayes", False),
    ("ML-2", "Koulikoro", "Koulikoro", False),
    ("ML-3", "Sikasso", "Sikasso", False),
    ("ML-4", "Ségou", "Ségou", False),
    ("ML-5", "Mopti", "Mopti", True),
    ("ML-6", "Tombouctou", "Timbuktu", True),
    ("ML-7", "Gao", "Gao", True),
    ("ML-8", "Kidal", "Kidal", True),
    ("ML-9", "Ménaka", "Ménaka", True),
    ("ML-10", "Taoudénit", "Taoudénit", True),
    ("ML-BKO", "Bamako", "Bamako", False),
]

CERCLES = {
    "ML-5": [
        "Bandiagara",
        "Bankass",
        "Djenné",
        "Douentza",
        "Koro",
        "Mopti",
        "Ténenkou",
        "Youwarou",
    ],
    "ML-6": ["Diré", "Goundam", "Gourma-Rharous", "Niafunké", "Tombouctou"],
    "ML-7": ["Ansongo", "Bourem", "Gao"],
    "ML-8": ["Abeïbara", "Kidal", "Tessalit", "Tin-Essako"],
    "ML-9": ["Andéramboukane", "Inékar", "Ménaka", "Tidermène"],
    "ML-10": ["Achouratt", "Al-Ourche", "Araouane", "Boujbeha", "Foum-Elba", "Taoudénit"],
}

# (office, headquarters, regions covered); headquarters covers every region.
OFFICES = [
    ("Bamako", True, None),
    ("Mopti", False, ["ML-5"]),
    ("Tombouctou", False, ["ML-6", "ML-10"]),
    ("Gao", False, ["ML-7", "ML-9"]),
    ("Kidal", False, ["ML-8"]),
]


def load(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Cercle = apps.get_model("regions", "Cercle")
    Office = apps.get_model("regions", "Office")
    for code, name_fr, name_en, in_scope in REGIONS:
        Region.objects.update_or_create(
            code=code, defaults={"name_fr": name_fr, "name_en": name_en, "in_scope": in_scope}
        )
    for code, names in CERCLES.items():
        region = Region.objects.get(code=code)
        for name in names:
            Cercle.objects.get_or_create(region=region, name=name)
    for name, is_headquarters, codes in OFFICES:
        office, _created = Office.objects.get_or_create(
            name=name, defaults={"is_headquarters": is_headquarters}
        )
        covered = Region.objects.all() if codes is None else Region.objects.filter(code__in=codes)
        office.regions.set(covered)

    for role in Role:
        grant_permissions(
            apps, role, ["regions.view_region", "regions.view_cercle", "regions.view_office"]
        )


def unload(apps, schema_editor):
    apps.get_model("regions", "Office").objects.all().delete()
    apps.get_model("regions", "Cercle").objects.all().delete()
    apps.get_model("regions", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("accounts", "0003_role_groups"),
    ]

    operations = [migrations.RunPython(load, unload)]
