"""The three financing mechanisms and their rules, as DESIGN.md gives them."""

from decimal import Decimal

from django.db import migrations

from accounts.roles import Role, grant_permissions

MECHANISMS = [
    {
        "code": "qip",
        "acronym": "QIP",
        "name_fr": "Projets à impact rapide",
        "name_en": "Quick Impact Projects",
        "approving_body": "Comité d'examen des projets (PRC)",
        "ceiling_usd": Decimal("50000"),
        "max_duration_months": 6,
        "local_implementers_only": True,
    },
    {
        "code": "tf",
        "acronym": "TF",
        "name_fr": "Fonds d'affectation spéciale pour la paix et la sécurité au Mali",
        "name_en": "Trust Fund in support of Peace and Security in Mali",
        "approving_body": "Comité de pilotage du Fonds",
        "limited_to_receipts": True,
    },
    {
        "code": "pbf",
        "acronym": "PBF",
        "name_fr": "Fonds des Nations Unies pour la consolidation de la paix",
        "name_en": "UN Peacebuilding Fund",
        "approving_body": "Comité de pilotage conjoint",
        "gender_target_percent": Decimal("30"),
        "indirect_cost_percent": Decimal("7"),
    },
]

WINDOWS = [
    ("pbf", "irf", "Mécanisme de réponse immédiate (IRF)", "Immediate Response Facility (IRF)", 18),
    (
        "pbf",
        "prf",
        "Mécanisme de relèvement pour la consolidation de la paix (PRF)",
        "Peacebuilding and Recovery Facility (PRF)",
        36,
    ),
]

TRANCHES = [("qip", 1, Decimal("80"), "signature"), ("qip", 2, Decimal("20"), "completion")]


def load(apps, schema_editor):
    Mechanism = apps.get_model("funding", "Mechanism")
    Window = apps.get_model("funding", "Window")
    TrancheStep = apps.get_model("funding", "TrancheStep")
    for data in MECHANISMS:
        Mechanism.objects.update_or_create(code=data["code"], defaults=data)
    for mechanism, code, name_fr, name_en, months in WINDOWS:
        Window.objects.update_or_create(
            mechanism=Mechanism.objects.get(code=mechanism),
            code=code,
            defaults={"name_fr": name_fr, "name_en": name_en, "max_duration_months": months},
        )
    for mechanism, sequence, percent, milestone in TRANCHES:
        TrancheStep.objects.update_or_create(
            mechanism=Mechanism.objects.get(code=mechanism),
            sequence=sequence,
            defaults={"percent": percent, "milestone": milestone},
        )
    for role in Role:
        grant_permissions(
            apps,
            role,
            ["funding.view_mechanism", "funding.view_window", "funding.view_tranchestep"],
        )


def unload(apps, schema_editor):
    apps.get_model("funding", "Mechanism").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("accounts", "0003_role_groups"),
    ]

    operations = [migrations.RunPython(load, unload)]
