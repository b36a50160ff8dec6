"""Every role may view exchange rates; fund managers record them."""

from django.db import migrations

from accounts.roles import Role, grant_permissions


def grant(apps, schema_editor):
    for role in Role:
        grant_permissions(apps, role, ["funding.view_exchangerate"])
    grant_permissions(
        apps,
        Role.FUND_MANAGER,
        ["funding.add_exchangerate", "funding.change_exchangerate"],
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_exchange_rates")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
