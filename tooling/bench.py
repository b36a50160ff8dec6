"""`make bench`: the portal under load, measured against Django's own floor.

The floor is the least a page of this portal can cost: the same process, the
same middleware, one query (twelve cercles) rendered into a twelve-row
template, the shape of the TechEmpower "fortunes" test. Every page's
requests per second are reported as a share of the floor's, which cancels
much of the machine's speed and load. The view is mounted only when
`DJANGO_BENCH_FLOOR` is true (`minusma_sr/urls.py`).

The rest of the module prepares and reads the run that
`manage.py bench` drives (see docs/performance.md, "The benchmark").
"""

import datetime
import math
import os
import statistics
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from django.db.models import Count
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from regions.models import Cercle

FLOOR_ROWS = 12


@require_safe
def floor(request):
    """Twelve rows of a small table in a twelve-row template: one query and no
    context processors. A signed-in request still reads its session, and
    renews it when due, as every page does (core.middleware.renew_session)."""
    cercles = Cercle.objects.only("name").order_by("name", "pk")[:FLOOR_ROWS]
    return HttpResponse(render_to_string("tooling/bench_floor.html", {"cercles": cercles}))


# --- Preparing the run ----------------------------------------------------------


def filter_near(groups: list[dict], wanted: int, keys: tuple[str, ...]) -> dict:
    """The filter (values of one, two or all of `keys`) whose number of rows is
    closest to `wanted`, from rows counted by the database per combination of
    `keys` (`groups`: dicts of the keys' values and `n`)."""
    best, best_gap = {}, None
    for size in range(1, len(keys) + 1):
        for chosen in combinations(keys, size):
            counts: dict[tuple, int] = {}
            for group in groups:
                value = tuple(group[key] for key in chosen)
                counts[value] = counts.get(value, 0) + group["n"]
            for value, count in counts.items():
                gap = abs(count - wanted)
                if best_gap is None or gap < best_gap:
                    best = {**dict(zip(chosen, value, strict=True)), "n": count}
                    best_gap = gap
    return best


def project_groups(projects) -> list[dict]:
    """Projects counted per region, mechanism and status (one GROUP BY)."""
    return list(projects.values("region", "mechanism", "status").annotate(n=Count("pk")))


def worker_pids(master_pid: int) -> list[int]:
    """The worker processes of a gunicorn master, from the kernel's list of
    its children."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory of a process (VmHWM), in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1, 5, 15 min), {os.cpu_count()} cores"


# --- The run -------------------------------------------------------------------

# Targets the results are read against (docs/performance.md, "Targets").
# The least share of the floor's requests per second, by page.
MIN_SHARE_OF_FLOOR = {
    "projects list": 0.40,
    "projects list, filtered": 0.40,
    "project page": 0.25,
    "plan page": 0.25,
    "funding ledger": 0.25,
    "dashboard": 0.25,
}
MAX_P95_MS = 250
MAX_P95_MS_BY_PAGE = {"dashboard": 300}
# Measured and reported, with no share or latency target.
REPORT_ONLY = "XLSX export"
MAX_WORKER_MB = 150


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value that at least
    `fraction` of the values do not exceed (0 when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Measurement:
    """One phase of the run: the floor or a page, in one repetition, with
    the response time of each of its requests."""

    kind: str  # "floor" or "page"
    label: str
    path: str
    repetition: int
    requests: int
    failures: int
    duration: float  # seconds, the wait for the last answers included
    times_ms: tuple[float, ...] = ()

    @classmethod
    def from_dict(cls, figures: dict) -> "Measurement":
        return cls(**{**figures, "times_ms": tuple(figures["times_ms"])})

    @property
    def rps(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0

    @property
    def p95_ms(self) -> float:
        return percentile(list(self.times_ms), 0.95)


@dataclass(frozen=True)
class PageRun:
    """A page in one repetition, with the floor measured just before and
    just after it."""

    page: Measurement
    floor_before: Measurement
    floor_after: Measurement

    @property
    def floor_rps(self) -> float:
        return (self.floor_before.rps + self.floor_after.rps) / 2

    @property
    def share(self) -> float:
        return self.page.rps / self.floor_rps if self.floor_rps else 0.0


def page_runs(measurements: list[Measurement]) -> list[PageRun]:
    """Each page phase with the floor phases on either side of it, from the
    phases in the order they ran."""
    runs = []
    for index, page in enumerate(measurements):
        if page.kind != "page":
            continue
        before = measurements[index - 1] if index > 0 else None
        after = measurements[index + 1] if index + 1 < len(measurements) else None
        if not all(
            floor is not None and floor.kind == "floor" and floor.repetition == page.repetition
            for floor in (before, after)
        ):
            raise ValueError(f"{page.label} #{page.repetition} has no floor on either side.")
        runs.append(PageRun(page, before, after))
    return runs


def share_target(label: str) -> float | None:
    return MIN_SHARE_OF_FLOOR.get(label)


def p95_limit(label: str) -> int | None:
    if label.startswith(REPORT_ONLY):
        return None
    return MAX_P95_MS_BY_PAGE.get(label, MAX_P95_MS)


@dataclass(frozen=True)
class PageSummary:
    """A page over every repetition: medians, and the spread of its share."""

    label: str
    path: str
    runs: tuple[PageRun, ...]

    @property
    def shares(self) -> list[float]:
        return [run.share for run in self.runs]

    @property
    def share(self) -> float:
        return statistics.median(self.shares)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.shares), max(self.shares)

    @property
    def rps(self) -> float:
        return statistics.median(run.page.rps for run in self.runs)

    @property
    def median_ms(self) -> float:
        """The median of each repetition's median."""
        return statistics.median(run.page.median_ms for run in self.runs)

    @property
    def p95_ms(self) -> float:
        """The median of each repetition's 95th percentile."""
        return statistics.median(run.page.p95_ms for run in self.runs)

    @property
    def requests(self) -> int:
        return sum(run.page.requests for run in self.runs)

    @property
    def failures(self) -> int:
        return sum(run.page.failures for run in self.runs)


def summarise(runs: list[PageRun]) -> list[PageSummary]:
    """One summary a page, in the order the pages ran."""
    by_label: dict[str, list[PageRun]] = {}
    for run in runs:
        by_label.setdefault(run.page.label, []).append(run)
    return [
        PageSummary(label, page_runs_[0].page.path, tuple(page_runs_))
        for label, page_runs_ in by_label.items()
    ]


@dataclass(frozen=True)
class FloorSummary:
    """The floor's measurements in one repetition, and the machine's load
    (1-minute average) before and after the repetition."""

    repetition: int
    measurements: tuple[Measurement, ...]
    load_before: float | None = None
    load_after: float | None = None

    @property
    def rates(self) -> list[float]:
        return [measurement.rps for measurement in self.measurements]

    @property
    def rps(self) -> float:
        return statistics.mean(self.rates)

    def times_ms(self) -> list[float]:
        return [ms for measurement in self.measurements for ms in measurement.times_ms]

    @property
    def failures(self) -> int:
        return sum(measurement.failures for measurement in self.measurements)


def floors(measurements: list[Measurement], loads: list[dict]) -> list[FloorSummary]:
    """The floor of each repetition, with the load read before and after it."""
    load_of = {load["repetition"]: load for load in loads}
    repetitions = sorted({measurement.repetition for measurement in measurements})
    return [
        FloorSummary(
            repetition,
            tuple(m for m in measurements if m.kind == "floor" and m.repetition == repetition),
            load_of.get(repetition, {}).get("before"),
            load_of.get(repetition, {}).get("after"),
        )
        for repetition in repetitions
    ]


def _mark(met: bool) -> str:
    return "met" if met else "MISSED"


def verdicts(
    pages: list[PageSummary], floor: list[FloorSummary], workers_mb: list[float]
) -> list[str]:
    """Each target of docs/performance.md, met, missed or not applicable."""
    lines = []
    failures = sum(page.failures for page in pages) + sum(rep.failures for rep in floor)
    lines.append(f"{_mark(failures == 0)}: no errors ({failures} failed requests)")
    for page in pages:
        low, high = page.spread
        share = (
            f"{page.label} at {page.share:.3f} of the floor (median of {len(page.runs)}, "
            f"spread {low:.3f}–{high:.3f}"
        )
        target = share_target(page.label)
        if target is None:
            lines.append(f"n/a: {share}; no target)")
        else:
            lines.append(f"{_mark(page.share >= target)}: {share}; at least {target:.2f})")
    for page in pages:
        limit = p95_limit(page.label)
        if limit is None:
            lines.append(f"n/a: {page.label} p95 {page.p95_ms:.0f} ms (no target)")
        else:
            lines.append(
                f"{_mark(page.p95_ms < limit)}: {page.label} p95 {page.p95_ms:.0f} ms "
                f"(median over repetitions; under {limit} ms)"
            )
    if workers_mb:
        peak = max(workers_mb)
        lines.append(
            f"{_mark(peak < MAX_WORKER_MB)}: worker peak {peak:.0f} MB (under {MAX_WORKER_MB})"
        )
    else:
        lines.append(f"MISSED: worker peak not read (under {MAX_WORKER_MB} MB)")
    return lines


def _load(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _share(value: float) -> str:
    """Two decimals, or two significant digits below 0.1 (the export's)."""
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


def report(
    pages: list[PageSummary],
    floor: list[FloorSummary],
    *,
    workers_mb: list[float],
    conditions: dict[str, str],
) -> str:
    """The results as Markdown: conditions, one row a page, the floor of
    each repetition, the targets."""
    lines = [f"# Benchmark, {datetime.date.today().isoformat()}", ""]
    lines += [f"- {name}: {value}" for name, value in conditions.items()]
    lines += [
        "",
        "## Pages",
        "",
        "Share of the floor: the page's requests per second over the mean of the "
        "floor's just before and just after it, in each repetition; the median over "
        "the repetitions and their spread. Latencies: the median over the repetitions "
        "of each one's median and 95th percentile.",
        "",
        "| page | path | share of floor | spread | shares by repetition "
        "| req/s | median ms | p95 ms | requests | failures |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        low, high = page.spread
        lines.append(
            f"| {page.label} | `{page.path}` | {_share(page.share)} "
            f"| {_share(low)}–{_share(high)} "
            f"| {' / '.join(_share(share) for share in page.shares)} | {page.rps:.1f} "
            f"| {page.median_ms:.0f} | {page.p95_ms:.0f} | {page.requests} | {page.failures} |"
        )
    lines += [
        "",
        "## Floor and load",
        "",
        "The floor's requests per second in each repetition (the mean and range of "
        "its measurements, one before each page and one at the end), and the "
        "machine's 1-minute load average before and after the repetition.",
        "",
        "| repetition | load before | load after | floor req/s | range | measurements "
        "| median ms | p95 ms | failures |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rep in floor:
        times = rep.times_ms()
        lines.append(
            f"| {rep.repetition} | {_load(rep.load_before)} | {_load(rep.load_after)} "
            f"| {rep.rps:.1f} | {min(rep.rates):.1f}–{max(rep.rates):.1f} "
            f"| {len(rep.measurements)} | {statistics.median(times) if times else 0:.0f} "
            f"| {percentile(times, 0.95):.0f} | {rep.failures} |"
        )
    lines += [
        "",
        "Peak memory (VmHWM) of each gunicorn worker: "
        + (", ".join(f"{mb:.0f} MB" for mb in workers_mb) or "not read"),
        "",
        "## Targets",
        "",
        *[f"- {line}" for line in verdicts(pages, floor, workers_mb)],
        "",
    ]
    return "\n".join(lines)


# --- The table of every run (docs/bench-runs.md) ---------------------------------

RUN_PAGES = (
    "projects list",
    "projects list, filtered",
    "project page",
    "plan page",
    "funding ledger",
    "dashboard",
    REPORT_ONLY,
)
RUNS_HEADER = f"""# Benchmark runs

One line per run of `make bench`, appended by `manage.py bench`; earlier
lines are never rewritten. See "The benchmark" in docs/performance.md.

- date: when the run ended (local time); commit: `git rev-parse --short HEAD`
  ("unknown" outside a Git checkout; uncommitted changes are not shown).
- projects: rows in the bench database; repetitions: how many, and the
  seconds of each page and of each floor measurement.
- load: the 1-minute load average before the first repetition and after
  the last.
- one column a page, as `0.31, 420 ms`: the median over the repetitions of
  its share of the floor's requests per second (against the mean of the
  floor just before and just after it), then the median of its 95th
  percentiles. The XLSX export has no target; it is there to follow.

| date | commit | projects | repetitions | load before / after | {" | ".join(RUN_PAGES)} |
| --- | --- | ---: | --- | --- |{" ---: |" * len(RUN_PAGES)}
"""


def run_line(
    *,
    moment: datetime.datetime,
    commit: str,
    projects: int,
    repetitions: str,
    floor: list[FloorSummary],
    pages: list[PageSummary],
) -> str:
    """One line of the runs table."""
    by_column = {}
    for page in pages:
        column = REPORT_ONLY if page.label.startswith(REPORT_ONLY) else page.label
        by_column[column] = f"{_share(page.share)}, {page.p95_ms:.0f} ms"
    load = f"{_load(floor[0].load_before)} / {_load(floor[-1].load_after)}" if floor else "—"
    cells = [
        f"{moment:%Y-%m-%d %H:%M}",
        f"`{commit}`",
        f"{projects:,}",
        repetitions,
        load,
        *[by_column.get(column, "—") for column in RUN_PAGES],
    ]
    return "| " + " | ".join(cells) + " |"


def append_run(path: Path, line: str) -> None:
    """Add `line` at the end of the runs table, creating the file with its
    header if missing; what is there already is left as it is."""
    if not path.exists():
        path.write_text(RUNS_HEADER, encoding="utf-8")
    ends_a_line = path.read_bytes().endswith(b"\n")
    with path.open("a", encoding="utf-8") as file:
        file.write(("" if ends_a_line else "\n") + line + "\n")
