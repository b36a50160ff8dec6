"""At most one validated plan per region for overlapping periods, held by the
database itself: an exclusion constraint on PostgreSQL, triggers on SQLite."""

from django.db import migrations

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE regions_regionalplan
    ADD CONSTRAINT plan_one_validated_per_region_period
    EXCLUDE USING gist (region_id WITH =, daterange(period_start, period_end, '[]') WITH &&)
    WHERE (status = 'validated')
    """,
]
POSTGRES_DOWN = [
    "ALTER TABLE regions_regionalplan DROP CONSTRAINT plan_one_validated_per_region_period",
]

SQLITE_CHECK = """
    CREATE TRIGGER plan_one_validated_per_region_period_{event}
    BEFORE {event} ON regions_regionalplan
    WHEN NEW.status = 'validated' AND EXISTS (
        SELECT 1 FROM regions_regionalplan other
        WHERE other.region_id = NEW.region_id
          AND other.status = 'validated'
          AND other.id IS NOT NEW.id
          AND other.period_start <= NEW.period_end
          AND NEW.period_start <= other.period_end
    )
    BEGIN
        SELECT RAISE(ABORT, 'plan_one_validated_per_region_period');
    END
"""
SQLITE_UP = [SQLITE_CHECK.format(event="INSERT"), SQLITE_CHECK.format(event="UPDATE")]
SQLITE_DOWN = [
    "DROP TRIGGER plan_one_validated_per_region_period_INSERT",
    "DROP TRIGGER plan_one_validated_per_region_period_UPDATE",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("regions", "0003_plans_and_updates")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
