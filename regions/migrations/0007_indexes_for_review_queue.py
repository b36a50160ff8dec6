"""The review queue's count, on every page: plan updates awaiting review (or
returned to their submitter) read from one index."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0006_history_reason_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="planupdate",
            index=models.Index(fields=["review_status", "submitted_by"], name="plan_update_queue"),
        ),
    ]
