"""The schedule of `make bench`'s load: the floor before and after every
page, in each repetition, on a simulated clock."""

import importlib.util
import sys
import types
from pathlib import Path

import pytest

import tooling

PAGES = [("projects list", "/projects/"), ("dashboard", "/")]
FLOOR = "/bench/floor/"


@pytest.fixture
def locustfile(monkeypatch):
    """The locustfile, imported with stand-ins for locust and gevent: its
    schedule is plain Python, and the real locust would patch this process's
    standard library as soon as it is imported."""
    fake_locust = types.ModuleType("locust")
    fake_locust.FastHttpUser = type("FastHttpUser", (), {})
    fake_locust.constant = lambda seconds: None
    fake_locust.task = lambda function: function
    fake_locust.events = types.SimpleNamespace(
        quitting=types.SimpleNamespace(add_listener=lambda function: function)
    )
    monkeypatch.setitem(sys.modules, "locust", fake_locust)
    monkeypatch.setitem(sys.modules, "gevent", types.ModuleType("gevent"))
    monkeypatch.delenv("BENCH_PAGES", raising=False)
    path = Path(tooling.__file__).with_name("bench_locustfile.py")
    spec = importlib.util.spec_from_file_location("tooling.bench_locustfile", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def drive(schedule, request_seconds: list[float], start: float = 100.0) -> list:
    """Users who take `request_seconds[i]` a request each, with no think
    time, as locust runs them: every user requests the phase of the moment
    until its time is over, then waits for the others. Returns the name and
    start of each phase."""
    for _user in request_seconds:
        schedule.user_signed_in(start)
    started = [(schedule.phases[0].name, start)]
    moment = start
    while not schedule.finished:
        done_at = []
        for cost in request_seconds:
            clock = moment
            while (phase := schedule.phase_at(clock)) is not None:
                clock += cost
                schedule.record(phase, cost * 1000, ok=True)
            done_at.append(clock)
        # The users come back in the order of their last answers.
        for clock in sorted(done_at):
            schedule.user_done(clock)
        moment = max(done_at)
        if not schedule.finished:
            started.append((schedule.phases[schedule.phase].name, moment))
    return started


def test_each_repetition_measures_the_floor_before_each_page_and_at_the_end(locustfile):
    phases = locustfile.plan(PAGES, floor_path=FLOOR, seconds=20, floor_seconds=10, repetitions=2)
    loads = iter([0.5, 1.5, 2.5, 3.5, 99.0])
    schedule = locustfile.Schedule(phases, users=2, load=lambda: next(loads))

    started = drive(schedule, [0.25, 0.75])

    assert [name for name, _moment in started] == [
        "floor before projects list #1",
        "projects list #1",
        "floor before dashboard #1",
        "dashboard #1",
        "floor at the end #1",
        "floor before projects list #2",
        "projects list #2",
        "floor before dashboard #2",
        "dashboard #2",
        "floor at the end #2",
    ]
    assert [(phase.kind, phase.path, phase.seconds) for phase in phases[:5]] == [
        ("floor", FLOOR, 10),
        ("page", "/projects/", 20),
        ("floor", FLOOR, 10),
        ("page", "/", 20),
        ("floor", FLOOR, 10),
    ]
    assert [phase.repetition for phase in phases] == [1] * 5 + [2] * 5
    # The 1-minute load, read when each repetition starts and ends.
    assert schedule.loads == {1: {"before": 0.5, "after": 1.5}, 2: {"before": 2.5, "after": 3.5}}


def test_a_phase_lasts_until_its_last_answer_and_counts_its_own_requests(locustfile):
    phases = locustfile.plan(
        PAGES[:1], floor_path=FLOOR, seconds=10, floor_seconds=5, repetitions=1
    )
    schedule = locustfile.Schedule(phases, users=2, load=lambda: 1.0)

    started = drive(schedule, [0.25, 0.75])

    # The floor: one user answers every 0.25 s (20 requests in 5 s), the
    # other every 0.75 s (7 requests, the last one back at 5.25 s).
    # The page: 40 and 14 requests, the last one back at 10.5 s.
    assert started == [
        ("floor before projects list #1", 100.0),
        ("projects list #1", 105.25),
        ("floor at the end #1", 115.75),
    ]
    assert [(phase.requests, phase.duration) for phase in phases] == [
        (27, 5.25),
        (54, 10.5),
        (27, 5.25),
    ]
    assert sorted(set(phases[1].times_ms)) == [250.0, 750.0]
    assert phases[1].times_ms.count(750.0) == 14


def test_the_next_phase_waits_for_every_users_last_answer(locustfile):
    phases = locustfile.plan(PAGES, floor_path=FLOOR, seconds=10, floor_seconds=5, repetitions=1)
    schedule = locustfile.Schedule(phases, users=2, load=lambda: 1.0)

    assert schedule.phase_at(0) is None  # nobody has signed in yet
    schedule.user_signed_in(100)
    assert not schedule.started  # one user of two: the clock waits
    schedule.user_signed_in(101)
    assert schedule.phase_at(101) is phases[0]
    assert schedule.phase_at(105.9) is phases[0]
    assert schedule.phase_at(106) is None  # the floor's five seconds are over
    schedule.user_done(106.2)
    assert schedule.phase_at(107) is None  # one user is still waiting for an answer
    schedule.user_done(108)
    assert schedule.phase_at(108) is phases[1]
    assert schedule.phase_at(117.9) is phases[1]
    assert schedule.phase_at(118) is None


def test_results_hold_each_ended_phase_with_its_failures(locustfile):
    phases = locustfile.plan(
        PAGES[:1], floor_path=FLOOR, seconds=10, floor_seconds=5, repetitions=1
    )
    loads = iter([0.7, 1.9])
    schedule = locustfile.Schedule(phases, users=1, load=lambda: next(loads))
    schedule.user_signed_in(0)
    schedule.record(phases[0], 12.34, ok=True)
    schedule.record(phases[0], 30.0, ok=False)
    schedule.user_done(5.5)
    schedule.record(phases[1], 80.0, ok=True)

    results = schedule.results()

    # The page has not ended: only the floor before it is there.
    assert results["phases"] == [
        {
            "kind": "floor",
            "label": "projects list",
            "path": FLOOR,
            "repetition": 1,
            "requests": 2,
            "failures": 1,
            "duration": 5.5,
            "times_ms": [12.3, 30.0],
        }
    ]
    assert results["loads"] == [{"repetition": 1, "before": 0.7}]
    assert results["all_signed_in"] is True


def test_the_plan_comes_from_the_environment(locustfile, monkeypatch):
    monkeypatch.setenv("BENCH_PAGES", '[["plan page", "/regions/plans/3/"]]')
    monkeypatch.setenv("BENCH_FLOOR_PATH", "/floor/")
    monkeypatch.setenv("BENCH_SECONDS", "7")
    monkeypatch.setenv("BENCH_FLOOR_SECONDS", "4")
    monkeypatch.setenv("BENCH_REPETITIONS", "2")
    monkeypatch.setenv("BENCH_USERS", "5")

    schedule = locustfile.Schedule.from_environment()

    assert schedule.users == 5
    assert [(phase.name, phase.path, phase.seconds) for phase in schedule.phases] == [
        ("floor before plan page #1", "/floor/", 4),
        ("plan page #1", "/regions/plans/3/", 7),
        ("floor at the end #1", "/floor/", 4),
        ("floor before plan page #2", "/floor/", 4),
        ("plan page #2", "/regions/plans/3/", 7),
        ("floor at the end #2", "/floor/", 4),
    ]
