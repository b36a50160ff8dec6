"""The mechanisms' reporting obligations as the section applies them: Trust
Fund projects report every quarter, Peacebuilding Fund projects every
half-year (the second half-year's report serves as the annual report) and at
their end, Quick Impact Projects once, within 30 days of their end. Admins
change them in Django admin."""

from django.db import migrations
from django.utils import timezone

OBLIGATIONS = [
    # mechanism, kind, frequency, days to report
    ("qip", "completion", "at_end", 30),
    ("tf", "progress", "quarterly", 30),
    ("tf", "completion", "at_end", 60),
    ("pbf", "progress", "semiannual", 15),
    ("pbf", "completion", "at_end", 90),
]


def add(apps, schema_editor):
    """The obligations, each with a first history record, so that the first
    change in admin shows what it changed from."""
    Mechanism = apps.get_model("funding", "Mechanism")
    ReportingObligation = apps.get_model("funding", "ReportingObligation")
    History = apps.get_model("funding", "HistoricalReportingObligation")
    for code, kind, frequency, days in OBLIGATIONS:
        mechanism = Mechanism.objects.filter(code=code).first()
        if mechanism is None:
            continue
        obligation, created = ReportingObligation.objects.get_or_create(
            mechanism=mechanism, kind=kind, frequency=frequency, defaults={"due_days": days}
        )
        if created:
            History.objects.create(
                id=obligation.pk,
                mechanism_id=mechanism.pk,
                kind=kind,
                frequency=frequency,
                due_days=days,
                is_active=True,
                history_date=timezone.now(),
                history_type="+",
            )


class Migration(migrations.Migration):
    dependencies = [("funding", "0010_reporting_obligations")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
