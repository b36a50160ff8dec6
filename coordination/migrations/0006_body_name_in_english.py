"""The coordination bodies' names in English too."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0005_organisation_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="coordinationbody",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Left empty, the French name is shown in English too.",
                max_length=250,
                verbose_name="name (English)",
            ),
        ),
        migrations.AddField(
            model_name="historicalcoordinationbody",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Left empty, the French name is shown in English too.",
                max_length=250,
                verbose_name="name (English)",
            ),
        ),
        migrations.AlterField(
            model_name="coordinationbody",
            name="name",
            field=models.CharField(max_length=250, unique=True, verbose_name="name (French)"),
        ),
        migrations.AlterField(
            model_name="historicalcoordinationbody",
            name="name",
            field=models.CharField(db_index=True, max_length=250, verbose_name="name (French)"),
        ),
    ]
