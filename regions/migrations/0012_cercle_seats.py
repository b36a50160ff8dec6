from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0011_results_roll_up"),
    ]

    operations = [
        migrations.AddField(
            model_name="cercle",
            name="seat_latitude",
            field=models.DecimalField(
                blank=True,
                decimal_places=5,
                max_digits=8,
                null=True,
                verbose_name="latitude of the seat",
            ),
        ),
        migrations.AddField(
            model_name="cercle",
            name="seat_longitude",
            field=models.DecimalField(
                blank=True,
                decimal_places=5,
                max_digits=8,
                null=True,
                verbose_name="longitude of the seat",
            ),
        ),
    ]
