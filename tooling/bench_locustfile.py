"""The load of `make bench` (locust, headless; see docs/performance.md).

Each simulated user signs in once as the bench's regional officer, then all
of them request the same page as fast as the portal answers, one page after
the other for BENCH_SECONDS each, so that every page is measured alone: the
next page starts once the last answer of the previous one has come back, and
a page's requests per second are counted over its whole time, that wait
included. The first page starts once every user has signed in, so sign-ins
(slow on purpose: password hashing) are not counted against any page.

Driven by `manage.py bench` through the environment:
BENCH_PAGES (JSON list of [label, path]), BENCH_SECONDS, BENCH_USERS,
BENCH_USERNAME, BENCH_PASSWORD and BENCH_RESULTS (where to write the figures).
"""

import json
import os
import re
import time

import gevent
from locust import FastHttpUser, constant, events, task

SIGN_IN_PATH = "/accounts/login/"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Schedule:
    """Which page is measured when. Page i is requested for `seconds`; then
    each user, once its last request has come back, waits for the others,
    so that a slow page's queue never spills into the next page's time."""

    def __init__(self, pages: list[tuple[str, str]], seconds: float, users: int):
        self.pages = pages
        self.seconds = seconds
        self.users = users
        self.signed_in = 0
        self.phase = -1  # the index of the page measured; -1 while signing in
        self.phase_started = 0.0
        self.arrived = 0
        # Each page's time: its `seconds`, then until its last answer.
        self.durations: list[float] = []

    @classmethod
    def from_environment(cls) -> "Schedule":
        pages = [tuple(page) for page in json.loads(os.environ.get("BENCH_PAGES", "[]"))]
        return cls(
            pages,
            float(os.environ.get("BENCH_SECONDS", "30")),
            int(os.environ.get("BENCH_USERS", "20")),
        )

    @property
    def started(self) -> bool:
        return self.phase >= 0

    @property
    def finished(self) -> bool:
        return self.phase >= len(self.pages)

    def user_signed_in(self, moment: float) -> None:
        self.signed_in += 1
        if self.signed_in >= self.users and not self.started:
            self.phase, self.phase_started = 0, moment

    def page_at(self, moment: float) -> tuple[str, str] | None:
        """The (label, path) to request at `moment`; None outside a page's time."""
        if not self.started or self.finished or moment - self.phase_started >= self.seconds:
            return None
        return self.pages[self.phase]

    def user_done(self, moment: float) -> None:
        """A user has had its last answer of the current page; the last one
        to come back starts the next page."""
        self.arrived += 1
        if self.arrived >= self.users:
            self.durations.append(moment - self.phase_started)
            self.arrived = 0
            self.phase += 1
            self.phase_started = moment


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
        page = schedule.page_at(time.monotonic())
        if page is None:
            phase = schedule.phase
            schedule.user_done(time.monotonic())
            while schedule.phase == phase:
                gevent.sleep(0.01)
            if schedule.finished:
                self.environment.runner.quit()
            return
        label, path = page
        with self.client.get(
            path, name=label, allow_redirects=False, catch_response=True
        ) as response:
            # A redirect here is to the sign-in page: the session was lost.
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


@events.quitting.add_listener
def write_results(environment, **kwargs):
    """The figures of each page, for `manage.py bench` to read."""
    target = os.environ.get("BENCH_RESULTS")
    if not target:
        return
    pages = []
    for (label, path), seconds in zip(schedule.pages, schedule.durations, strict=False):
        entry = environment.stats.get(label, "GET")
        pages.append(
            {
                "label": label,
                "path": path,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": entry.num_requests / seconds,
                "median_ms": entry.median_response_time or 0,
                "p95_ms": entry.get_response_time_percentile(0.95) or 0,
            }
        )
    errors = [
        {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    with open(target, "w", encoding="utf-8") as file:
        json.dump(
            {"pages": pages, "errors": errors, "all_signed_in": schedule.started},
            file,
        )
