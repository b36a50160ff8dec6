"""The floor page of `make bench`, its locustfile and how results are read."""

import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, clear_url_caches, reverse

from regions.models import Cercle
from tooling import bench

FLOOR_PATH = "/bench/floor/"


def _reload_urls():
    importlib.reload(importlib.import_module("minusma_sr.urls"))
    clear_url_caches()


@pytest.fixture
def floor_mounted(settings):
    settings.BENCH_FLOOR = True
    _reload_urls()
    yield
    settings.BENCH_FLOOR = False
    _reload_urls()


def test_floor_is_absent_by_default(client, db):
    assert client.get(FLOOR_PATH).status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")


def test_floor_lists_the_first_twelve_cercles_in_one_query(
    floor_mounted, client, db, django_assert_num_queries
):
    # The one query: twelve cercles by name.
    with django_assert_num_queries(1):
        response = client.get(reverse("bench_floor"))

    assert response.status_code == 200
    page = response.content.decode()
    expected = list(Cercle.objects.order_by("name", "pk").values_list("name", flat=True)[:12])
    assert len(expected) == 12
    assert page.count("<tr><td>") == 12
    positions = [page.index(f"<td>{name}</td>") for name in expected]
    assert positions == sorted(positions)


def test_floor_adds_only_the_session_renewal_for_a_signed_in_user(
    floor_mounted, client_for, gao_officer, django_assert_num_queries
):
    client = client_for(gao_officer)
    # The cercles, then what every signed-in request pays whatever the view:
    # the session read and its renewal for idle expiry (savepoint, update,
    # release). The bench keeps sessions in Redis, where these are no queries.
    with django_assert_num_queries(5):
        assert client.get(FLOOR_PATH).status_code == 200


def test_floor_refuses_writes(floor_mounted, client, db):
    assert client.post(FLOOR_PATH).status_code == 405


@pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="locust is installed by `make bench` only"
)
@pytest.mark.skipif(
    importlib.util.find_spec("locust") is None,
    reason="locust is installed by `make bench` only (requirements-bench.lock)",
)
def test_locustfile_signs_in_and_requests_the_page_of_the_moment():
    # Imported in a separate process: locust patches the standard library
    # (gevent) as soon as it is imported.
    script = """
import json
import tooling.bench_locustfile as f
from locust import FastHttpUser
s = f.Schedule([["floor", "/bench/floor/"], ["dashboard", "/"]], seconds=10, users=2)
seen = [s.page_at(0)]
s.user_signed_in(100); seen.append(s.started); s.user_signed_in(101)
seen += [s.page_at(101), s.page_at(110.9), s.page_at(111)]
s.user_done(112); seen.append(s.page_at(112)); s.user_done(115)
seen += [s.page_at(115), s.page_at(124.9)]
s.user_done(126); s.user_done(127)
seen += [s.finished, s.page_at(127), s.durations]
print(json.dumps({
    "user": issubclass(f.RegionalOfficer, FastHttpUser),
    "tasks": [task.__name__ for task in f.RegionalOfficer.tasks],
    "signs_in": "sign_in" in vars(f.RegionalOfficer),
    "seen": seen,
}))
"""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])

    assert found["user"] is True
    assert found["tasks"] == ["current_page"]
    assert found["signs_in"] is True
    floor, dashboard = ["floor", "/bench/floor/"], ["dashboard", "/"]
    assert found["seen"] == [
        None,  # nobody has signed in yet
        False,  # one user of two has signed in: the clock waits
        floor,  # everyone is in: the first page, for ten seconds
        floor,
        None,  # its time is over
        None,  # one user has had its last answer, the other has not
        dashboard,  # the second page starts when the last answer is back
        dashboard,
        True,
        None,
        [14, 12],  # each page's time: ten seconds and the last answers
    ]


def test_export_filter_is_the_one_closest_to_the_wanted_rows():
    groups = [
        {"region": 7, "status": "ongoing", "n": 600},
        {"region": 7, "status": "closed", "n": 500},
        {"region": 9, "status": "ongoing", "n": 300},
    ]
    assert bench.filter_near(groups, 1_000, ("region", "status")) == {"region": 7, "n": 1_100}
    assert bench.filter_near(groups, 590, ("region", "status")) == {
        "region": 7,
        "status": "ongoing",
        "n": 600,
    }


def test_report_gives_shares_of_the_floor_and_names_missed_targets():
    results = [
        bench.PageResult("floor", "/bench/floor/", 3000, 0, 300.0, 60, 80),
        bench.PageResult("projects list", "/projects/", 900, 0, 90.0, 200, 240),
        bench.PageResult("dashboard", "/", 300, 2, 30.0, 350, 450),
    ]
    text = bench.report(results, workers_mb=[120, 210], conditions={"projects": "10"})

    assert "| projects list | `/projects/` | 900 | 90.0 | 0.30 | 200 | 240 | 0 |" in text
    assert "MISSED: no errors (2 failed requests)" in text
    assert "met: projects list at 30% of the floor's" in text
    assert "MISSED: dashboard p95 450 ms (under 400 ms)" in text
    assert "MISSED: worker peak 210 MB (under 200)" in text
