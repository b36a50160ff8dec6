"""Every role may view plans, priorities, updates and their files (Django
admin shows them to staff only; the portal's own pages decide the rest)."""

from django.db import migrations

from accounts.roles import Role, grant_permissions

MODELS = [
    "regionalplan",
    "planpriority",
    "plandocument",
    "planupdate",
    "priorityprogress",
    "planupdateattachment",
]


def grant(apps, schema_editor):
    for role in Role:
        grant_permissions(apps, role, [f"regions.view_{model}" for model in MODELS])


class Migration(migrations.Migration):
    dependencies = [("regions", "0004_one_validated_plan_per_period")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
