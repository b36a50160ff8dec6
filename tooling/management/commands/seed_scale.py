"""A large data set for measuring the portal: `manage.py seed_scale --projects N`.

See `tooling/scale.py` for what it creates and the invariants it keeps.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tooling import scale


class Command(BaseCommand):
    help = (
        "Create a large, consistent data set for measuring the portal: N projects "
        "across the regions in scope, the three mechanisms and their windows, with "
        "cercles, locations, indicators and their reports, progress reports (in every "
        "review state), funding approvals, tranches, expenditure, the contributions and "
        "deposits that cover the Trust Fund's approvals, and an exchange rate for every "
        "month used; about 13.6 rows a project. Written with bulk inserts, without history "
        "rows. Each run adds a new batch: organisations, plans and rates already present "
        "are reused, the new projects take new codes from the code counters. Refuses to "
        "run when DEBUG is off unless --yes is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects", type=int, default=100_000, help="How many projects (100,000)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Seed of the random choices (the same seed on the same day, the same data).",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=scale.BATCH,
            help=f"Projects per transaction ({scale.BATCH:,}).",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Run even though DEBUG is off (never on a production database).",
        )

    def handle(self, *args, projects, seed, batch, yes, **options):
        if projects < 1 or batch < 1:
            raise CommandError("--projects and --batch must be at least 1.")
        if not settings.DEBUG and not yes:
            raise CommandError(
                "DEBUG is off: this may be a production database. "
                "Pass --yes to add the data set anyway."
            )
        self.stdout.write(
            f"Seeding {projects:,} projects on {connection.vendor} "
            f"(seed {seed}, {batch:,} a batch)…"
        )
        started = time.monotonic()

        def report(done: int, elapsed: float) -> None:
            self.stdout.write(f"  {done:,} / {projects:,} projects  ({elapsed:,.0f} s)")
            self.stdout.flush()

        try:
            counts = scale.seed(projects=projects, seed=seed, batch=batch, report=report)
        except ValueError as problem:
            raise CommandError(str(problem)) from problem
        elapsed = time.monotonic() - started
        width = max(len(label) for label in counts)
        self.stdout.write("Rows created:")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<{width}}  {count:>10,}")
        self.stdout.write(f"  {'total':<{width}}  {sum(counts.values()):>10,}")
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:,.1f} s."))
