"""How `make bench` reads its phases: shares of the floor around each page,
medians and spread over the repetitions, the targets, the table of runs."""

import datetime

import pytest

from tooling import bench

SECONDS = 10


def times(median: float, p95: float) -> tuple[float, ...]:
    """Twenty response times with that median and 95th percentile."""
    return (median,) * 18 + (p95,) * 2


def measured(kind, label, repetition, rps, *, response=(50.0,), failures=0):
    return bench.Measurement(
        kind=kind,
        label=label,
        path="/bench/floor/" if kind == "floor" else f"/{label.replace(' ', '-')}/",
        repetition=repetition,
        requests=round(rps * SECONDS),
        failures=failures,
        duration=SECONDS,
        times_ms=response,
    )


def repetition(number, floor_rps, pages):
    """The phases of one repetition: the floor (at each rate of `floor_rps`
    in turn) around each page of `pages`, (label, rps, times)."""
    phases = []
    for (label, rps, response), floor_rate in zip(pages, floor_rps, strict=False):
        phases.append(measured("floor", label, number, floor_rate))
        phases.append(measured("page", label, number, rps, response=response))
    phases.append(measured("floor", "", number, floor_rps[len(pages)]))
    return phases


def test_percentile_is_the_nearest_rank():
    assert bench.percentile(list(range(1, 101)), 0.95) == 95
    assert bench.percentile([40, 10, 30, 20], 0.95) == 40
    assert bench.percentile(list(times(80, 300)), 0.95) == 300
    assert bench.percentile([7], 0.5) == 7
    assert bench.percentile([], 0.95) == 0


def test_a_measurement_gives_its_rate_median_and_p95():
    measurement = bench.Measurement.from_dict(
        {
            "kind": "page",
            "label": "dashboard",
            "path": "/",
            "repetition": 1,
            "requests": 45,
            "failures": 0,
            "duration": 22.5,
            "times_ms": [10, 20, 30, 400],
        }
    )
    assert measurement.rps == 2.0
    assert measurement.median_ms == 25.0
    assert measurement.p95_ms == 400


def test_share_is_against_the_mean_of_the_floor_before_and_after():
    phases = repetition(1, [200, 100, 50], [("dashboard", 60, (50.0,)), ("plan page", 30, (50,))])

    dashboard, plan = bench.page_runs(phases)

    assert dashboard.floor_before is phases[0]
    assert dashboard.floor_after is phases[2]
    assert dashboard.floor_rps == 150
    assert dashboard.share == pytest.approx(0.40)
    # The floor after one page is the floor before the next.
    assert plan.floor_before is phases[2]
    assert plan.floor_rps == 75
    assert plan.share == pytest.approx(0.40)


def test_a_page_without_the_floor_after_it_is_refused():
    phases = repetition(1, [200, 100], [("dashboard", 60, (50.0,))])

    with pytest.raises(ValueError, match="dashboard #1"):
        bench.page_runs(phases[:-1])


def test_summary_gives_the_median_share_its_spread_and_median_latencies():
    phases = [
        *repetition(1, [100, 100], [("projects list", 30, times(100, 200))]),
        *repetition(2, [100, 100], [("projects list", 42, times(90, 260))]),
        *repetition(3, [120, 80], [("projects list", 36, times(120, 240))]),
    ]

    (summary,) = bench.summarise(bench.page_runs(phases))

    assert summary.shares == pytest.approx([0.30, 0.42, 0.36])
    assert summary.share == pytest.approx(0.36)
    assert summary.spread == pytest.approx((0.30, 0.42))
    assert summary.rps == 36
    assert summary.p95_ms == 240
    assert summary.median_ms == 100
    assert summary.requests == 1080


def test_floor_of_each_repetition_with_the_load_before_and_after():
    phases = [
        *repetition(1, [200, 100], [("dashboard", 60, (50.0,))]),
        *repetition(2, [180, 160], [("dashboard", 60, (50.0,))]),
    ]
    loads = [
        {"repetition": 1, "before": 0.5, "after": 1.5},
        {"repetition": 2, "before": 1.6, "after": 2.25},
    ]

    first, second = bench.floors(phases, loads)

    assert first.rates == [200, 100]
    assert first.rps == 150
    assert (first.load_before, first.load_after) == (0.5, 1.5)
    assert second.rps == 170
    assert (second.load_before, second.load_after) == (1.6, 2.25)


def summaries_for_targets():
    pages = [
        ("projects list", 38, times(100, 200)),  # share 0.38: under 0.40
        ("projects list, filtered", 40, times(100, 200)),  # exactly the target
        ("project page", 30, times(100, 249)),
        ("plan page", 26, times(100, 280)),  # p95 over 250
        ("funding ledger", 24, times(100, 200)),  # share under 0.25
        ("dashboard", 25, times(100, 280)),  # its own limit: 300 ms
        ("XLSX export (997 rows)", 0.7, times(9000, 15000)),
    ]
    phases = repetition(1, [100] * (len(pages) + 1), pages)
    return bench.summarise(bench.page_runs(phases)), bench.floors(phases, [])


def test_targets_are_met_or_missed_with_each_pages_threshold():
    pages, floor = summaries_for_targets()

    lines = bench.verdicts(pages, floor, workers_mb=[120, 149])

    assert lines[0] == "met: no errors (0 failed requests)"
    shares = [line for line in lines if "of the floor" in line]
    assert [line.split(":")[0] for line in shares] == [
        "MISSED",
        "met",
        "met",
        "met",
        "MISSED",
        "met",
        "n/a",
    ]
    assert shares[0] == (
        "MISSED: projects list at 0.380 of the floor "
        "(median of 1, spread 0.380–0.380; at least 0.40)"
    )
    assert shares[6] == (
        "n/a: XLSX export (997 rows) at 0.007 of the floor "
        "(median of 1, spread 0.007–0.007; no target)"
    )
    assert "at least 0.25" in shares[4]
    latencies = [line for line in lines if " p95 " in line]
    assert [line.split(":")[0] for line in latencies] == [
        "met",
        "met",
        "met",
        "MISSED",
        "met",
        "met",
        "n/a",
    ]
    assert latencies[3] == ("MISSED: plan page p95 280 ms (median over repetitions; under 250 ms)")
    assert latencies[5].endswith("under 300 ms)")
    assert latencies[6] == "n/a: XLSX export (997 rows) p95 15000 ms (no target)"
    assert lines[-1] == "met: worker peak 149 MB (under 150)"


def test_a_failure_or_a_heavy_worker_misses_its_target():
    phases = repetition(1, [100, 100], [("dashboard", 30, (50.0,))])
    phases[-1] = measured("floor", "", 1, 100, failures=2)
    pages, floor = bench.summarise(bench.page_runs(phases)), bench.floors(phases, [])

    lines = bench.verdicts(pages, floor, workers_mb=[120, 150])

    assert lines[0] == "MISSED: no errors (2 failed requests)"
    assert lines[-1] == "MISSED: worker peak 150 MB (under 150)"


def test_report_has_a_row_a_page_and_the_floor_of_each_repetition():
    phases = [
        *repetition(1, [100, 100], [("projects list", 30, times(100, 200))]),
        *repetition(2, [100, 100], [("projects list", 42, times(90, 260))]),
        *repetition(3, [120, 80], [("projects list", 36, times(120, 240))]),
    ]
    loads = [{"repetition": number, "before": 1.0, "after": 1.25} for number in (1, 2, 3)]
    pages = bench.summarise(bench.page_runs(phases))

    text = bench.report(
        pages, bench.floors(phases, loads), workers_mb=[120], conditions={"projects": "10"}
    )

    assert "- projects: 10" in text
    assert (
        "| projects list | `/projects-list/` | 0.36 | 0.30–0.42 | 0.30 / 0.42 / 0.36 "
        "| 36.0 | 100 | 240 | 1080 | 0 |"
    ) in text
    assert "| 3 | 1.00 | 1.25 | 100.0 | 80.0–120.0 | 2 | 50 | 50 | 0 |" in text
    assert "- MISSED: projects list at 0.360 of the floor (median of 3, spread 0.300–0.420" in text


def test_a_run_is_appended_to_the_table_of_runs(tmp_path):
    table = tmp_path / "bench-runs.md"
    pages, _floor = summaries_for_targets()
    floor = [
        bench.FloorSummary(1, (), load_before=0.5, load_after=1.0),
        bench.FloorSummary(2, (), load_before=1.0, load_after=2.25),
    ]

    line = bench.run_line(
        moment=datetime.datetime(2026, 12, 5, 11, 30),
        commit="abc1234",
        projects=100_000,
        repetitions="3 × 20 s / 10 s",
        floor=floor,
        pages=pages,
    )
    bench.append_run(table, line)

    assert line == (
        "| 2026-12-05 11:30 | `abc1234` | 100,000 | 3 × 20 s / 10 s | 0.50 / 2.25 "
        "| 0.38, 200 ms | 0.40, 200 ms | 0.30, 249 ms | 0.26, 280 ms | 0.24, 200 ms "
        "| 0.25, 280 ms | 0.007, 15000 ms |"
    )
    text = table.read_text(encoding="utf-8")
    assert text == bench.RUNS_HEADER + line + "\n"
    header_cells = bench.RUNS_HEADER.strip().splitlines()[-2].count("|")
    assert line.count("|") == header_cells


def test_earlier_runs_are_kept_as_they_were(tmp_path):
    table = tmp_path / "bench-runs.md"
    earlier = bench.RUNS_HEADER + "| 2026-12-01 09:00 | `0000001` | earlier run |"  # no newline
    table.write_text(earlier, encoding="utf-8")

    bench.append_run(table, "| second |")
    bench.append_run(table, "| third |")

    assert table.read_text(encoding="utf-8") == earlier + "\n| second |\n| third |\n"
