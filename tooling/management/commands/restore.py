"""`manage.py restore ARCHIVE`: put back the database and the uploaded files
of a backup, then compare the row counts and ledger totals with its manifest
(see `tooling/backup.py`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tooling import backup


class Command(BaseCommand):
    help = (
        "Replace the whole database and restore the uploaded files from an archive of "
        "`manage.py backup`, then compare the row counts and ledger totals with the "
        "archive's manifest (exit status 1 if they differ). Stop the portal first. "
        "Refuses to run when DEBUG is off unless --yes is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar file written by backup.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Restore even though DEBUG is off: the current data is replaced.",
        )

    def handle(self, *args, archive, yes, **options):
        if not settings.DEBUG and not yes:
            raise CommandError(
                "DEBUG is off: this replaces the whole database and the uploaded files "
                "with those of the archive. Stop the portal, then pass --yes."
            )
        try:
            manifest, comparison = backup.restore(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {archive}: {manifest['engine']} database of {manifest['created_at']}, "
            f"portal version {manifest['portal_version']}, "
            f"{manifest['media_files']:,} uploaded files."
        )
        if manifest["portal_version"] != settings.PORTAL_VERSION:
            self.stdout.write(
                self.style.WARNING(
                    f"This is version {settings.PORTAL_VERSION}: run `manage.py migrate` now."
                )
            )
        self._report(comparison)
        if not comparison.matches:
            raise CommandError(
                "The restored database differs from the archive's manifest (marked ≠ above)."
            )
        self.stdout.write(self.style.SUCCESS("Row counts and ledger totals match the archive."))

    def _report(self, comparison: backup.Comparison) -> None:
        width = max((len(row[0]) for row in comparison.tables), default=5)
        self.stdout.write(f"\n{'table':<{width}}  {'archive':>10}  {'restored':>10}")
        for table, expected, found in comparison.tables:
            mark = "" if expected == found else "  ≠"
            self.stdout.write(
                f"{table:<{width}}  {_shown(expected):>10}  {_shown(found):>10}{mark}"
            )
        self.stdout.write(f"\n{'ledger (USD)':<24}  {'archive':>18}  {'restored':>18}")
        differing = set(comparison.ledger_differences)
        for code, figure, expected, found in comparison.ledgers:
            mark = "  ≠" if (code, figure, expected, found) in differing else ""
            self.stdout.write(
                f"{code + ' ' + figure:<24}  {_shown(expected):>18}  {_shown(found):>18}{mark}"
            )
        self.stdout.write("")


def _shown(value) -> str:
    return "—" if value is None else str(value)
