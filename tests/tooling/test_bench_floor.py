"""The floor page of `make bench`, its locustfile under locust, and the
export's filter."""

import importlib
import importlib.util
import json
import os
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


def test_floor_adds_only_the_session_read_for_a_signed_in_user(
    floor_mounted, client_for, gao_officer, django_assert_num_queries
):
    client = client_for(gao_officer)
    # What every signed-in request pays whatever the view: the session read
    # (renewed only once a tenth of the idle time has passed, not just after
    # signing in); then the twelve cercles. The bench keeps sessions in
    # Redis, where the first is no query.
    with django_assert_num_queries(2):
        assert client.get(FLOOR_PATH).status_code == 200


def test_floor_refuses_writes(floor_mounted, client, db):
    assert client.post(FLOOR_PATH).status_code == 405


@pytest.mark.skipif(
    importlib.util.find_spec("locust") is None,
    reason="locust is installed by `make bench` only (requirements-bench.lock)",
)
def test_locustfile_under_locust_signs_in_and_follows_the_schedule():
    # Imported in a separate process: locust patches the standard library
    # (gevent) as soon as it is imported. The schedule itself is tested on a
    # simulated clock in test_bench_schedule.py.
    script = """
import json
import tooling.bench_locustfile as f
from locust import FastHttpUser
print(json.dumps({
    "user": issubclass(f.RegionalOfficer, FastHttpUser),
    "tasks": [task.__name__ for task in f.RegionalOfficer.tasks],
    "signs_in": "sign_in" in vars(f.RegionalOfficer),
    "phases": [[p.name, p.path, p.seconds] for p in f.schedule.phases],
}))
"""
    root = Path(__file__).resolve().parents[2]
    environment = {
        **os.environ,
        "BENCH_PAGES": json.dumps([["dashboard", "/"]]),
        "BENCH_FLOOR_PATH": FLOOR_PATH,
        "BENCH_SECONDS": "20",
        "BENCH_FLOOR_SECONDS": "10",
        "BENCH_REPETITIONS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])

    assert found["user"] is True
    assert found["tasks"] == ["current_page"]
    assert found["signs_in"] is True
    assert found["phases"] == [
        ["floor before dashboard #1", FLOOR_PATH, 10],
        ["dashboard #1", "/", 20],
        ["floor at the end #1", FLOOR_PATH, 10],
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
