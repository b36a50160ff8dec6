"""A validated regional plan is updated every quarter, within 15 days of the
quarter's end."""

from django.db import migrations
from django.utils import timezone


def add(apps, schema_editor):
    """The obligation, with a first history record, so that the first change
    in admin shows what it changed from."""
    obligation, created = apps.get_model(
        "regions", "PlanReportingObligation"
    ).objects.get_or_create(frequency="quarterly", defaults={"due_days": 15})
    if created:
        apps.get_model("regions", "HistoricalPlanReportingObligation").objects.create(
            id=obligation.pk,
            frequency="quarterly",
            due_days=15,
            is_active=True,
            history_date=timezone.now(),
            history_type="+",
        )


class Migration(migrations.Migration):
    dependencies = [("regions", "0009_reporting_obligations")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
