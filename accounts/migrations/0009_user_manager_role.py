from django.db import migrations

ROLE = "user_manager"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_api_tokens")]

    operations = [migrations.RunPython(create_group, remove_group)]
