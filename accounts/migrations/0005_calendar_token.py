import uuid

from django.db import migrations, models


def give_each_user_a_token(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.all():
        user.calendar_token = uuid.uuid4()
        user.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_manager")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="calendar_token",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_user_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="calendar_token",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                unique=True,
                verbose_name="calendar feed key",
            ),
        ),
    ]
