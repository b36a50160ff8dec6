"""The load of `make bench` (locust, headless; see docs/performance.md).

Each simulated user signs in once as the bench's regional officer, then all
of them request the same page as fast as the portal answers, one measurement
phase after the other, so that every page is measured alone. In each
repetition the floor is measured just before every page, and once more at
the end, so that each page has the floor right before and right after it:

    floor, page 1, floor, page 2, …, floor, last page, floor

The next phase starts once the last answer of the previous one has come
back, and a phase's requests per second are counted over its whole time,
that wait included. The first phase starts once every user has signed in,
so sign-ins (slow on purpose: password hashing) are not counted against any
page. Each phase keeps its own counters and response times; locust's own
statistics are not read.

Driven by `manage.py bench` through the environment:
BENCH_PAGES (JSON list of [label, path]), BENCH_FLOOR_PATH, BENCH_SECONDS,
BENCH_FLOOR_SECONDS, BENCH_REPETITIONS, BENCH_USERS, BENCH_USERNAME,
BENCH_PASSWORD and BENCH_RESULTS (where to write the figures).
"""

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import gevent
from locust import FastHttpUser, constant, events, task

SIGN_IN_PATH = "/accounts/login/"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def one_minute_load() -> float:
    return os.getloadavg()[0]


@dataclass
class Phase:
    """One measurement: the floor or a page, for `seconds`, in a repetition."""

    kind: str  # "floor" or "page"
    label: str  # the page's label; for the floor, the page it comes before
    path: str
    repetition: int
    seconds: float
    requests: int = 0
    failures: int = 0
    times_ms: list[float] = field(default_factory=list)
    # Its `seconds`, then until its last answer; None until it has ended.
    duration: float | None = None

    @property
    def name(self) -> str:
        if self.kind == "page":
            return f"{self.label} #{self.repetition}"
        if self.label:
            return f"floor before {self.label} #{self.repetition}"
        return f"floor at the end #{self.repetition}"

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "path": self.path,
            "repetition": self.repetition,
            "requests": self.requests,
            "failures": self.failures,
            "duration": self.duration,
            "times_ms": [round(ms, 1) for ms in self.times_ms],
        }


def plan(
    pages: list[tuple[str, str]],
    *,
    floor_path: str,
    seconds: float,
    floor_seconds: float,
    repetitions: int,
) -> list[Phase]:
    """Every phase in order: in each repetition the floor before each page,
    the page, and a last floor, which is the floor after the last page."""
    phases = []
    for repetition in range(1, repetitions + 1):
        for label, path in pages:
            phases.append(Phase("floor", label, floor_path, repetition, floor_seconds))
            phases.append(Phase("page", label, path, repetition, seconds))
        phases.append(Phase("floor", "", floor_path, repetition, floor_seconds))
    return phases


class Schedule:
    """Which phase is measured when. A phase's requests are made for its
    `seconds`; then each user, once its last request has come back, waits for
    the others, so that a slow page's queue never spills into the next
    phase's time. Moments come from the caller (time.monotonic() under
    locust), so the schedule runs on any clock."""

    def __init__(
        self,
        phases: list[Phase],
        users: int,
        load: Callable[[], float] = one_minute_load,
    ):
        self.phases = phases
        self.users = users
        self.load = load
        self.signed_in = 0
        self.phase = -1  # the index of the phase measured; -1 while signing in
        self.phase_started = 0.0
        self.arrived = 0
        # The 1-minute load average before and after each repetition.
        self.loads: dict[int, dict[str, float]] = {}

    @classmethod
    def from_environment(cls) -> "Schedule":
        pages = [tuple(page) for page in json.loads(os.environ.get("BENCH_PAGES", "[]"))]
        phases = plan(
            pages,
            floor_path=os.environ.get("BENCH_FLOOR_PATH", "/bench/floor/"),
            seconds=float(os.environ.get("BENCH_SECONDS", "20")),
            floor_seconds=float(os.environ.get("BENCH_FLOOR_SECONDS", "10")),
            repetitions=int(os.environ.get("BENCH_REPETITIONS", "3")),
        )
        return cls(phases, int(os.environ.get("BENCH_USERS", "20")))

    @property
    def started(self) -> bool:
        return self.phase >= 0

    @property
    def finished(self) -> bool:
        return self.phase >= len(self.phases)

    def user_signed_in(self, moment: float) -> None:
        self.signed_in += 1
        if self.signed_in >= self.users and not self.started:
            self._start(0, moment)

    def phase_at(self, moment: float) -> Phase | None:
        """The phase to request at `moment`; None outside a phase's time."""
        if not self.started or self.finished:
            return None
        current = self.phases[self.phase]
        if moment - self.phase_started >= current.seconds:
            return None
        return current

    def record(self, phase: Phase, elapsed_ms: float, *, ok: bool) -> None:
        """One answer of `phase`, counted against it whenever it came back."""
        phase.requests += 1
        phase.failures += 0 if ok else 1
        phase.times_ms.append(elapsed_ms)

    def user_done(self, moment: float) -> None:
        """A user has had its last answer of the current phase; the last one
        to come back ends it and starts the next."""
        self.arrived += 1
        if self.arrived < self.users:
            return
        self.arrived = 0
        ended = self.phases[self.phase]
        ended.duration = moment - self.phase_started
        if self.phase + 1 >= len(self.phases) or (
            self.phases[self.phase + 1].repetition != ended.repetition
        ):
            self.loads[ended.repetition]["after"] = self.load()
        self._start(self.phase + 1, moment)

    def _start(self, index: int, moment: float) -> None:
        if index < len(self.phases):
            repetition = self.phases[index].repetition
            if repetition not in self.loads:
                self.loads[repetition] = {"before": self.load()}
        self.phase, self.phase_started = index, moment

    def results(self) -> dict:
        """The figures `manage.py bench` reads: every phase that ended."""
        return {
            "phases": [phase.as_dict() for phase in self.phases if phase.duration is not None],
            "loads": [
                {"repetition": repetition, **loads} for repetition, loads in self.loads.items()
            ],
            "all_signed_in": self.started,
        }


schedule = Schedule.from_environment()


class RegionalOfficer(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.sign_in()
        schedule.user_signed_in(time.monotonic())
        while not schedule.started:
            gevent.sleep(0.05)

    def sign_in(self):
        page = self.client.get(SIGN_IN_PATH, name="sign-in form")
        token = CSRF_FIELD.search(page.text or "")
        with self.client.post(
            SIGN_IN_PATH,
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": os.environ.get("BENCH_USERNAME", ""),
                "password": os.environ.get("BENCH_PASSWORD", ""),
            },
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A signed-in user is sent on; a refused one sees the form again.
            if response.status_code != 302:
                response.failure(f"sign-in refused (status {response.status_code})")

    @task
    def current_page(self):
        phase = schedule.phase_at(time.monotonic())
        if phase is None:
            index = schedule.phase
            schedule.user_done(time.monotonic())
            while schedule.phase == index:
                gevent.sleep(0.01)
            if schedule.finished:
                self.environment.runner.quit()
            return
        started = time.perf_counter()
        with self.client.get(
            phase.path, name=phase.name, allow_redirects=False, catch_response=True
        ) as response:
            elapsed_ms = (time.perf_counter() - started) * 1000
            # A redirect here is to the sign-in page: the session was lost.
            ok = response.status_code == 200
            if not ok:
                response.failure(f"status {response.status_code}")
        schedule.record(phase, elapsed_ms, ok=ok)


@events.quitting.add_listener
def write_results(environment, **kwargs):
    """The figures of each phase, for `manage.py bench` to read."""
    target = os.environ.get("BENCH_RESULTS")
    if not target:
        return
    errors = [
        {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    with open(target, "w", encoding="utf-8") as file:
        json.dump({**schedule.results(), "errors": errors}, file)
