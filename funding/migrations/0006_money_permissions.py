"""Every role may view the money records; fund managers record them."""

from django.db import migrations

from accounts.roles import Role, grant_permissions

MONEY_MODELS = ["contribution", "deposit", "fundingapproval", "tranche", "expenditure"]


def grant(apps, schema_editor):
    for role in Role:
        grant_permissions(apps, role, [f"funding.view_{model}" for model in MONEY_MODELS])
    grant_permissions(
        apps,
        Role.FUND_MANAGER,
        [f"funding.add_{model}" for model in MONEY_MODELS] + ["funding.change_contribution"],
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0005_money")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
