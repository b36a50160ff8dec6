"""Every role may view projects and their records (Django admin shows them to
staff only; the portal's pages decide who changes what)."""

from django.db import migrations

from accounts.roles import Role, grant_permissions

MODELS = [
    "project",
    "location",
    "indicator",
    "indicatorreport",
    "indicatorevidence",
    "progressreport",
    "progressreportattachment",
    "projectdocument",
    "statuschange",
]


def grant(apps, schema_editor):
    for role in Role:
        grant_permissions(apps, role, [f"projects.view_{model}" for model in MODELS])


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
