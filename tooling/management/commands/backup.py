"""`manage.py backup [--output DIR]`: the database and the uploaded files in
one archive, while the portal runs (see `tooling/backup.py`)."""

from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from tooling import backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite backup API or pg_dump) and of "
        "the uploaded files into one archive, with a manifest of row counts and ledger "
        "totals for checking a restore. Safe while the portal runs. The archive is "
        "readable by its owner only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Folder of the archive (default: the BACKUP_DIR setting, backups/).",
        )

    def handle(self, *args, output, **options):
        try:
            archive, manifest = backup.backup(output)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["tables"]
        self.stdout.write(
            f"{archive} ({archive.stat().st_size / 1_000_000:,.1f} MB): "
            f"{manifest['engine']} database, {len(tables)} tables, "
            f"{sum(tables.values()):,} rows, {manifest['media_files']:,} uploaded files."
        )
        if not isinstance(default_storage, FileSystemStorage):
            self.stdout.write(
                self.style.WARNING(
                    "Uploaded files are kept by "
                    f"{default_storage.__class__.__name__}, not in MEDIA_ROOT: "
                    "back them up with the store's own tools."
                )
            )
