"""The log of reminder e-mails (`portfolio.reminders`): one row per thing a
person was reminded of, per occasion, so that nothing goes twice however
often `manage.py send_reminders` runs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderSent(models.Model):
    """`key` names what the reminder is about (a due report's
    `DueReport.key`, "decision:<pk>", "digest"); `occasion` when in its life
    it went ("before-7", "due", "overdue-2" for the second week late,
    "digest-2027-W05")."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        # A log that only prevents sending twice: it goes with the person.
        on_delete=models.CASCADE,
        related_name="reminders_sent",
    )
    key = models.CharField(_("about"), max_length=200)
    occasion = models.CharField(_("occasion"), max_length=40)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key", "occasion"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.key} ({self.occasion})"
