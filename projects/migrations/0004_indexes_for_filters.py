"""Indexes for the projects list at scale: each sort it offers (followed by
the code that breaks ties), the budget totals read from an index, the
dashboard's ongoing projects ending soon, the review queue's count, and on
PostgreSQL trigram indexes for the search by code, title or summary.

The trigram indexes are made by SQL on PostgreSQL only, and are not in the
models' Meta: SQLite has no GIN index, and would fail to rebuild a table
that declared one. They serve Django's `icontains`, which PostgreSQL runs as
`UPPER(column::text) LIKE UPPER(pattern)`: the index holds that expression.
"""

from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_COLUMNS = ["code", "title", "summary"]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS project_{column}_trigram ON projects_project "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS project_{column}_trigram")


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0005_organisation_constraint_messages"),
        ("funding", "0007_money_history"),
        ("projects", "0003_history_reason_text"),
        ("regions", "0007_indexes_for_review_queue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # CREATE EXTENSION pg_trgm on PostgreSQL; nothing elsewhere.
        TrigramExtension(),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
        migrations.AddIndex(
            model_name="indicatorreport",
            index=models.Index(
                fields=["review_status", "submitted_by"], name="indicator_report_queue"
            ),
        ),
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(
                fields=["review_status", "submitted_by"], name="progress_report_queue"
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["-planned_start", "code"], name="project_default_order"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["planned_end", "code"], name="project_end_order"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["budget_amount", "code"], name="project_budget_order"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["title", "code"], name="project_title_order"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                models.Case(
                    models.When(status="pipeline", then=models.Value(0)),
                    models.When(status="submitted", then=models.Value(1)),
                    models.When(status="approved", then=models.Value(2)),
                    models.When(status="ongoing", then=models.Value(3)),
                    models.When(status="completed", then=models.Value(4)),
                    models.When(status="closed", then=models.Value(5)),
                    models.When(status="cancelled", then=models.Value(6)),
                    output_field=models.IntegerField(),
                ),
                models.F("code"),
                name="project_status_order",
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["status", "planned_end"], name="project_status_end"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["budget_currency", "budget_amount"], name="project_budget_totals"
            ),
        ),
    ]
