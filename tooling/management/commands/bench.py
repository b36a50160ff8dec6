"""`manage.py bench`: the portal under load, as ratios to Django's floor.

Run by `make bench`, which sets the database, Redis and production settings;
see docs/performance.md, "The benchmark".
"""

import datetime
import json
import os
import secrets
import signal
import subprocess  # nosec B404
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse
from psycopg import sql

from accounts.roles import Role
from projects.models import Project
from regions.models import Office, RegionalPlan
from tooling import bench

BENCH_USERNAME = "bench_officer"
BENCH_OFFICE = "Gao"
EXPORT_ROWS = 1_000
LOCUSTFILE = Path(bench.__file__).with_name("bench_locustfile.py")
RUNS_TABLE = Path(settings.BASE_DIR) / "docs" / "bench-runs.md"
# Per phase, room for the last answers after its time: a slow page (the
# export) can take several seconds a request under load.
LAST_ANSWERS_SECONDS = 30
SIGN_IN_SECONDS = 120


@dataclass(frozen=True)
class Timing:
    seconds: int
    floor_seconds: int
    repetitions: int

    def phases(self, pages: int) -> int:
        """A floor before each page and one at the end, in each repetition."""
        return self.repetitions * (2 * pages + 1)

    def limit(self, pages: int) -> int:
        """Locust's time limit: the sign-ins, then every phase's time and the
        wait for its last answers. The run ends by itself well before."""
        planned = self.repetitions * (
            pages * (self.seconds + self.floor_seconds) + self.floor_seconds
        )
        return SIGN_IN_SECONDS + planned + LAST_ANSWERS_SECONDS * self.phases(pages)

    def describe(self) -> str:
        return f"{self.repetitions} × {self.seconds} s / {self.floor_seconds} s"


def _git(*arguments: str) -> str:
    done = subprocess.run(  # nosec B603 B607
        ["git", *arguments],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return done.stdout.strip()


def current_commit() -> str:
    """The abbreviated commit of the working tree, followed by "+" when
    tracked files have changed since; "unknown" outside a Git checkout."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        changed = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if not commit:
        return "unknown"
    return f"{commit}+" if changed else commit


class Command(BaseCommand):
    help = (
        "Measure the portal under load: create and fill the bench database if needed, "
        "start gunicorn with production settings and the floor page, run locust page by "
        "page with the floor measured before and after each, print the table, write it to "
        "bench-results/ and add a line to docs/bench-runs.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=100_000)
        parser.add_argument("--seconds", type=int, default=20, help="Per page.")
        parser.add_argument("--floor-seconds", type=int, default=10, help="Per floor measurement.")
        parser.add_argument("--repetitions", type=int, default=3)
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--output", default="bench-results")
        parser.add_argument(
            "--runs-table",
            default=str(RUNS_TABLE),
            help="The table every run adds a line to (docs/bench-runs.md).",
        )

    def handle(self, *args, projects, users, workers, port, output, runs_table, **options):
        timing = Timing(options["seconds"], options["floor_seconds"], options["repetitions"])
        if min(timing.seconds, timing.floor_seconds, timing.repetitions) < 1:
            raise CommandError("Seconds, floor seconds and repetitions must be at least 1.")
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set BENCH_DATABASE_URL.")
        if settings.DEBUG or not settings.BENCH_FLOOR:
            raise CommandError("Run it through `make bench` (DEBUG off, DJANGO_BENCH_FLOOR on).")
        self.prepare_database(projects)
        password = self.bench_officer()
        pages = self.pages()
        call_command("collectstatic", interactive=False, verbosity=0)

        project_count = Project.objects.count()
        conditions = {
            "projects": f"{project_count:,}",
            "users": f"{users} concurrent, no think time, each signed in once",
            "repetitions": (
                f"{timing.repetitions}, each: the floor for {timing.floor_seconds} s before "
                f"each page, the page for {timing.seconds} s, and the floor once more at the end"
            ),
            "gunicorn": f"{workers} sync workers, production settings, Redis cache and sessions",
            "load generator": "locust (one process, on the same machine)",
            "machine load before": bench.machine_load(),
        }
        server = self.start_gunicorn(workers, port)
        try:
            figures = self.run_locust(port, pages, timing, users, password)
            workers_mb = [
                mb for pid in bench.worker_pids(server.pid) if (mb := bench.peak_rss_mb(pid))
            ]
        finally:
            self.stop(server)
        conditions["machine load after"] = bench.machine_load()

        measurements = [bench.Measurement.from_dict(phase) for phase in figures["phases"]]
        summaries = bench.summarise(bench.page_runs(measurements))
        floors = bench.floors(measurements, figures["loads"])
        text = bench.report(summaries, floors, workers_mb=workers_mb, conditions=conditions)
        if figures["errors"]:
            text += "\n## Errors\n\n" + "".join(
                f"- {error['name']}: {error['error']} ({error['occurrences']}×)\n"
                for error in figures["errors"]
            )
        self.stdout.write(text)
        folder = Path(output)
        folder.mkdir(exist_ok=True)
        target = folder / f"{datetime.datetime.now():%Y-%m-%d-%H%M}.md"
        target.write_text(text, encoding="utf-8")
        line = bench.run_line(
            moment=datetime.datetime.now(),
            commit=current_commit(),
            projects=project_count,
            repetitions=timing.describe(),
            floor=floors,
            pages=summaries,
        )
        bench.append_run(Path(runs_table), line)
        self.stdout.write(f"Added to {runs_table}:\n{line}")
        self.stdout.write(self.style.SUCCESS(f"Written to {target}"))

    # --- Preparation ------------------------------------------------------------

    def prepare_database(self, projects: int) -> None:
        """Create the database if missing, with JIT off, migrate it, and add
        projects up to `projects` (none when it holds that many already)."""
        database = settings.DATABASES["default"]
        with psycopg.connect(
            dbname="postgres",
            user=database["USER"],
            password=database["PASSWORD"] or None,
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            autocommit=True,
        ) as maintenance:
            exists = maintenance.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]
            ).fetchone()
            if not exists:
                self.stdout.write(f"Creating the database {database['NAME']}…")
                maintenance.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"]))
                )
            # As docs/deployment.md advises for the portal's database.
            maintenance.execute(
                sql.SQL("ALTER DATABASE {} SET jit = off").format(sql.Identifier(database["NAME"]))
            )
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        present = Project.objects.count()
        if present < projects:
            call_command("seed_scale", projects=projects - present, yes=True)
            # Fresh statistics for the planner (and the list's row estimate),
            # and the visibility map that index-only scans need.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        else:
            self.stdout.write(f"{present:,} projects already there: no seeding.")

    def bench_officer(self) -> str:
        """The regional officer the load signs in as, with a new password."""
        user, _created = get_user_model().objects.get_or_create(
            username=BENCH_USERNAME,
            defaults={"office": Office.objects.get(name=BENCH_OFFICE), "email": ""},
        )
        password = secrets.token_urlsafe(24)
        user.set_password(password)
        user.is_active = True
        user.save()
        user.groups.set([Group.objects.get(name=Role.REGIONAL_OFFICER.value)])
        return password

    def pages(self) -> list[tuple[str, str]]:
        """(label, path) of each page measured; the floor is measured between
        them."""
        region = Office.objects.get(name=BENCH_OFFICE).regions.order_by("code").first()
        project = Project.objects.filter(region=region).order_by("code").first()
        plan = RegionalPlan.objects.filter(region=region).order_by("-period_start").first()
        if project is None or plan is None:
            raise CommandError(f"No project or plan in {region}: seeding failed?")
        near = bench.filter_near(
            bench.project_groups(Project.objects.all()),
            EXPORT_ROWS,
            ("region", "mechanism", "status"),
        )
        export_query = "&".join(f"{key}={value}" for key, value in near.items() if key != "n")
        self.stdout.write(f"The export selects {near['n']:,} projects ({export_query}).")
        ongoing = Project.Status.ONGOING
        return [
            ("projects list", reverse("projects:list")),
            ("projects list, filtered", f"/projects/?region={region.pk}&status={ongoing}"),
            ("project page", reverse("projects:detail", args=[project.pk])),
            ("plan page", reverse("regions:plan", args=[plan.pk])),
            ("funding ledger", reverse("funding:detail", args=["tf"])),
            ("dashboard", reverse("dashboard")),
            (f"XLSX export ({near['n']:,} rows)", f"/projects/export.xlsx?{export_query}"),
        ]

    # --- The run --------------------------------------------------------------------

    def start_gunicorn(self, workers: int, port: int) -> subprocess.Popen:
        # gunicorn and locust are started with fixed arguments, without a shell.
        bin_dir = Path(sys.executable).parent
        server = subprocess.Popen(  # nosec B603
            [
                str(bin_dir / "gunicorn"),
                "minusma_sr.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env={**os.environ, "DJANGO_BENCH_FLOOR": "true", "DJANGO_HTTPS": "false"},
        )
        url = f"http://127.0.0.1:{port}{reverse('healthz')}"
        for _attempt in range(60):
            try:
                with urllib.request.urlopen(url, timeout=2):  # nosec B310
                    return server
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        self.stop(server)
        raise CommandError(f"gunicorn did not answer on port {port}.")

    def run_locust(self, port, pages, timing: "Timing", users, password) -> dict:
        bin_dir = Path(sys.executable).parent
        with tempfile.TemporaryDirectory() as folder:
            results = Path(folder) / "results.json"
            env = {
                **os.environ,
                "BENCH_PAGES": json.dumps(pages),
                "BENCH_FLOOR_PATH": reverse("bench_floor"),
                "BENCH_SECONDS": str(timing.seconds),
                "BENCH_FLOOR_SECONDS": str(timing.floor_seconds),
                "BENCH_REPETITIONS": str(timing.repetitions),
                "BENCH_USERS": str(users),
                "BENCH_USERNAME": BENCH_USERNAME,
                "BENCH_PASSWORD": password,
                "BENCH_RESULTS": str(results),
            }
            limit = timing.limit(len(pages))
            self.stdout.write(
                f"Load: {users} users, {timing.repetitions} × ({len(pages)} pages of "
                f"{timing.seconds} s, {len(pages) + 1} floors of {timing.floor_seconds} s), "
                f"at most {limit} s…"
            )
            subprocess.run(  # nosec B603
                [
                    str(bin_dir / "locust"),
                    "--locustfile",
                    str(LOCUSTFILE),
                    "--headless",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(users),
                    "--run-time",
                    f"{limit}s",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env=env,
                check=False,
            )
            if not results.exists():
                raise CommandError("locust wrote no results.")
            figures = json.loads(results.read_text())
        if not figures["all_signed_in"]:
            raise CommandError("Not every user signed in before the time limit.")
        if len(figures["phases"]) < timing.phases(len(pages)):
            raise CommandError(f"The time limit ({limit} s) ended the run before the last phase.")
        return figures

    def stop(self, server: subprocess.Popen) -> None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
