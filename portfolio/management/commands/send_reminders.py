"""`manage.py send_reminders`: the reminder e-mails due today (run daily by
cron, docs/deployment.md). Safe to run any number of times: what went is
logged and never goes again (portfolio.reminders)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portfolio import reminders


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date such as 2027-04-30, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Send the reminders due today: reports and decisions before their due date, on it "
        "and weekly while overdue, and the weekly digest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=_day,
            help="Send as on this day (YYYY-MM-DD), e.g. to make up a day the command did "
            "not run; what was already sent is not sent again.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the e-mails without sending them."
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        today = date or timezone.localdate()
        emails = reminders.due_emails(today)
        if dry_run:
            for email in emails:
                about = [f"{reminder.key} ({reminder.occasion})" for reminder in email.reminders]
                if email.digest:
                    about.append(email.digest.occasion)
                self.stdout.write(f"{email.recipient.email}: {', '.join(about)}")
            self.stdout.write(f"{len(emails)} e-mail(s) would be sent for {today:%Y-%m-%d}.")
            return
        outcome = reminders.send(emails)
        self.stdout.write(f"{outcome.sent} e-mail(s) sent for {today:%Y-%m-%d}.")
        if outcome.skipped:
            self.stdout.write(f"{outcome.skipped} already sent by another run.")
        if outcome.failed:
            raise CommandError(
                f"{outcome.failed} e-mail(s) could not be sent (see the log); the next run "
                "tries them again."
            )
