"""Every role may view coordination records (Django admin shows them to staff
only; the portal's pages decide who manages what)."""

from django.db import migrations

from accounts.roles import Role, grant_permissions

MODELS = [
    "organisation",
    "coordinationbody",
    "membership",
    "meeting",
    "meetingdocument",
    "decision",
]


def grant(apps, schema_editor):
    for role in Role:
        grant_permissions(apps, role, [f"coordination.view_{model}" for model in MODELS])


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
