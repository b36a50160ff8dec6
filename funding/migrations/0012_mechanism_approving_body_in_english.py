"""The approving bodies of the three mechanisms in English too (migration
0002 gave their French names)."""

from django.db import migrations, models

# code: (French name as migration 0002 gave it, English name)
APPROVING_BODIES = {
    "qip": ("Comité d'examen des projets (PRC)", "Project Review Committee (PRC)"),
    "tf": ("Comité de pilotage du Fonds", "Trust Fund Steering Committee"),
    "pbf": ("Comité de pilotage conjoint", "Joint Steering Committee"),
}


def name_in_english(apps, schema_editor):
    """The English name of each body still named as installed; a body renamed
    since is left for its mechanism's page to name in English. The history
    records of those states get it too, so that the next change in admin is
    not taken for a change of the English name."""
    Mechanism = apps.get_model("funding", "Mechanism")
    HistoricalMechanism = apps.get_model("funding", "HistoricalMechanism")
    for code, (french, english) in APPROVING_BODIES.items():
        Mechanism.objects.filter(code=code, approving_body=french, approving_body_en="").update(
            approving_body_en=english
        )
        HistoricalMechanism.objects.filter(
            code=code, approving_body=french, approving_body_en=""
        ).update(approving_body_en=english)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0011_default_reporting_obligations"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmechanism",
            name="approving_body_en",
            field=models.CharField(
                blank=True,
                help_text="Left empty, the French name is shown in English too.",
                max_length=200,
                verbose_name="approving body (English)",
            ),
        ),
        migrations.AddField(
            model_name="mechanism",
            name="approving_body_en",
            field=models.CharField(
                blank=True,
                help_text="Left empty, the French name is shown in English too.",
                max_length=200,
                verbose_name="approving body (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmechanism",
            name="approving_body",
            field=models.CharField(
                help_text="The committee that approves project funding.",
                max_length=200,
                verbose_name="approving body (French)",
            ),
        ),
        migrations.AlterField(
            model_name="mechanism",
            name="approving_body",
            field=models.CharField(
                help_text="The committee that approves project funding.",
                max_length=200,
                verbose_name="approving body (French)",
            ),
        ),
        migrations.RunPython(name_in_english, migrations.RunPython.noop),
    ]
