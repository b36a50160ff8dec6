"""Screenshots of the main pages for each demo user, at desktop and phone
widths: `manage.py screenshots --suffix after` (see tooling/screenshots.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tooling import screenshots
from tooling.management.commands.seed_demo import DEVELOPMENT_PASSWORD


class Command(BaseCommand):
    help = (
        "Save PNG screenshots of the main pages as the demo users see them, at 1280 and "
        "360 px. Without --base-url, serves the demo data on a new database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            help="A running portal with the demo data and two-factor sign-in required of "
            "no one (TWO_FACTOR_ROLES empty); by default one is started for the run.",
        )
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"),
            help="Folder of the PNG files (default: docs/screenshots).",
        )
        parser.add_argument(
            "--suffix", default="after", help="Ends each file's name: before, after..."
        )
        parser.add_argument(
            "--password", default=DEVELOPMENT_PASSWORD, help="The demo users' password."
        )
        parser.add_argument("--language", default="fr-FR", help="The browser's language.")
        parser.add_argument(
            "--only", nargs="*", help="Only these pages (dashboard, project, status...)."
        )

    def handle(self, *args, base_url=None, output, suffix, password, language, only, **options):
        def take(url):
            return screenshots.take(
                url,
                Path(output),
                suffix,
                password=password,
                language=language,
                only=set(only or ()),
                report=self.stdout.write,
            )

        if base_url:
            written = take(base_url)
        else:
            with screenshots.demo_server(password) as url:
                written = take(url)
        size = sum(path.stat().st_size for path in written)
        self.stdout.write(f"{len(written)} screenshots, {size / 1_000_000:.1f} MB, in {output}")
