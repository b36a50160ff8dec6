# Every budget gets its US dollar equivalent (projects.services.budget_in_usd).

import datetime
from decimal import ROUND_HALF_UP, Decimal

import django.core.validators
from django.db import migrations, models

CENT = Decimal("0.01")


def convert_budgets(apps, schema_editor):
    """The equivalent of each budget at the rate of its planned start's month
    (of this month while the start is ahead); left empty where that rate is
    missing, as the service leaves it."""
    Project = apps.get_model("projects", "Project")
    ExchangeRate = apps.get_model("funding", "ExchangeRate")
    rates = {(rate.currency, rate.month): rate.units_per_usd for rate in ExchangeRate.objects.all()}
    today = datetime.date.today()
    changed = []
    for project in Project.objects.only("budget_amount", "budget_currency", "planned_start"):
        if project.budget_currency == "USD":
            project.budget_usd = project.budget_amount
        else:
            month = min(project.planned_start, today).replace(day=1)
            rate = rates.get((project.budget_currency, month))
            if rate is None:
                continue
            project.budget_usd = (project.budget_amount / rate).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
        changed.append(project)
    Project.objects.bulk_update(changed, ["budget_usd"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_indexes_for_filters"),
        ("funding", "0007_money_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalprogressreport",
            name="boys_reached",
            field=models.PositiveIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="boys reached",
            ),
        ),
        migrations.AddField(
            model_name="historicalprogressreport",
            name="girls_reached",
            field=models.PositiveIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="girls reached",
            ),
        ),
        migrations.AddField(
            model_name="historicalprogressreport",
            name="men_reached",
            field=models.PositiveIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="men reached",
            ),
        ),
        migrations.AddField(
            model_name="historicalprogressreport",
            name="women_reached",
            field=models.PositiveIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="women reached",
            ),
        ),
        migrations.AddField(
            model_name="historicalproject",
            name="budget_usd",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                help_text="At the UN operational rate of the month of the planned start (of the month the budget was recorded while the start is ahead); empty while that rate is missing.",
                max_digits=16,
                null=True,
                verbose_name="budget (USD)",
            ),
        ),
        migrations.AddField(
            model_name="progressreport",
            name="boys_reached",
            field=models.PositiveIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="boys reached",
            ),
        ),
        migrations.AddField(
            model_name="progressreport",
            name="girls_reached",
            field=models.PositiveIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="girls reached",
            ),
        ),
        migrations.AddField(
            model_name="progressreport",
            name="men_reached",
            field=models.PositiveIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="men reached",
            ),
        ),
        migrations.AddField(
            model_name="progressreport",
            name="women_reached",
            field=models.PositiveIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="women reached",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="budget_usd",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                help_text="At the UN operational rate of the month of the planned start (of the month the budget was recorded while the start is ahead); empty while that rate is missing.",
                max_digits=16,
                null=True,
                verbose_name="budget (USD)",
            ),
        ),
        migrations.RunPython(convert_budgets, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="project",
            name="project_budget_totals",
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["budget_usd"], name="project_budget_usd"),
        ),
    ]
