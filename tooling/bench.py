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
import os
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
    context processors. A signed-in request still renews its session, as
    every page does (SESSION_SAVE_EVERY_REQUEST)."""
    cercles = Cercle.objects.only("name").order_by("name", "pk")[:FLOOR_ROWS]
    return HttpResponse(render_to_string("tooling/bench_floor.html", {"cercles": cercles}))


# --- The run -------------------------------------------------------------------

# Thresholds the results are read against (docs/performance.md).
MAX_P95_MS = 250
MAX_DASHBOARD_P95_MS = 400
MIN_SHARE_OF_FLOOR = 0.25
MAX_WORKER_MB = 200
# Pages that must keep at least MIN_SHARE_OF_FLOOR of the floor's rate.
KEY_PAGES = {"projects list", "project page"}


@dataclass(frozen=True)
class PageResult:
    label: str
    path: str
    requests: int
    failures: int
    rps: float
    median_ms: float
    p95_ms: float

    def share_of(self, floor: "PageResult") -> float:
        return self.rps / floor.rps if floor.rps else 0.0

    def p95_limit(self) -> int:
        return MAX_DASHBOARD_P95_MS if self.label == "dashboard" else MAX_P95_MS


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


def verdicts(results: list[PageResult], workers_mb: list[float]) -> list[str]:
    """Each target of docs/performance.md, met or missed."""
    floor = results[0]
    lines = []
    failures = sum(result.failures for result in results)
    lines.append(f"{'met' if failures == 0 else 'MISSED'}: no errors ({failures} failed requests)")
    for result in results[1:]:
        if result.label in KEY_PAGES:
            share = result.share_of(floor)
            met = share >= MIN_SHARE_OF_FLOOR
            lines.append(
                f"{'met' if met else 'MISSED'}: {result.label} at {share:.0%} of the floor's "
                f"requests per second (at least {MIN_SHARE_OF_FLOOR:.0%})"
            )
    for result in results:
        met = result.p95_ms < result.p95_limit()
        lines.append(
            f"{'met' if met else 'MISSED'}: {result.label} p95 {result.p95_ms:.0f} ms "
            f"(under {result.p95_limit()} ms)"
        )
    if workers_mb:
        peak = max(workers_mb)
        met = peak < MAX_WORKER_MB
        verdict = "met" if met else "MISSED"
        lines.append(f"{verdict}: worker peak {peak:.0f} MB (under {MAX_WORKER_MB})")
    return lines


def report(
    results: list[PageResult], *, workers_mb: list[float], conditions: dict[str, str]
) -> str:
    """The results as Markdown: conditions, one row a page, the targets."""
    floor = results[0]
    lines = [f"# Benchmark, {datetime.date.today().isoformat()}", ""]
    lines += [f"- {name}: {value}" for name, value in conditions.items()]
    lines += [
        "",
        "| page | path | requests | req/s | share of floor | median ms | p95 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        lines.append(
            f"| {result.label} | `{result.path}` | {result.requests} | {result.rps:.1f} "
            f"| {result.share_of(floor):.2f} | {result.median_ms:.0f} | {result.p95_ms:.0f} "
            f"| {result.failures} |"
        )
    lines += [
        "",
        "Peak memory (VmHWM) of each gunicorn worker: "
        + (", ".join(f"{mb:.0f} MB" for mb in workers_mb) or "not read"),
        "",
        "## Targets",
        "",
        *[f"- {line}" for line in verdicts(results, workers_mb)],
        "",
    ]
    return "\n".join(lines)
