"""Reporting periods (`core.periods`): calendar quarters, half-years and years
cut to a record's dates, or its whole run; their due dates and labels; the
state of a due report; the rule every report's period obeys."""

import datetime

import pytest
from django.utils import translation

from core.periods import (
    DueReport,
    DueState,
    Frequency,
    Period,
    period_label,
    periods,
    report_period_problems,
    state_of,
)
from regions.models import RegionalPlan
from tests.factories import PlanFactory, PlanUpdateFactory

D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _spans(found: list[Period]) -> list[tuple]:
    return [(period.start, period.end, period.due_on) for period in found]


# --- Periods ------------------------------------------------------------------------------


def test_quarters_are_cut_to_the_records_dates_and_due_after_the_calendar_quarter():
    found = periods(Frequency.QUARTERLY, D(2024, 2, 15), D(2024, 11, 10), due_days=30)

    assert _spans(found) == [
        (D(2024, 2, 15), D(2024, 3, 31), D(2024, 4, 30)),
        (D(2024, 4, 1), D(2024, 6, 30), D(2024, 7, 30)),
        (D(2024, 7, 1), D(2024, 9, 30), D(2024, 10, 30)),
        # Cut to the record's end, still due after the quarter's end.
        (D(2024, 10, 1), D(2024, 11, 10), D(2025, 1, 30)),
    ]


def test_quarters_run_on_across_the_new_year():
    found = periods(Frequency.QUARTERLY, D(2026, 11, 1), D(2027, 2, 1), due_days=15)

    assert _spans(found) == [
        (D(2026, 11, 1), D(2026, 12, 31), D(2027, 1, 15)),
        (D(2027, 1, 1), D(2027, 2, 1), D(2027, 4, 15)),
    ]


def test_half_years():
    found = periods(Frequency.SEMIANNUAL, D(2025, 3, 1), D(2026, 2, 28), due_days=15)

    assert _spans(found) == [
        (D(2025, 3, 1), D(2025, 6, 30), D(2025, 7, 15)),
        (D(2025, 7, 1), D(2025, 12, 31), D(2026, 1, 15)),
        (D(2026, 1, 1), D(2026, 2, 28), D(2026, 7, 15)),
    ]


def test_years():
    found = periods(Frequency.ANNUAL, D(2024, 6, 1), D(2025, 6, 30), due_days=60)

    assert _spans(found) == [
        (D(2024, 6, 1), D(2024, 12, 31), D(2025, 3, 1)),
        (D(2025, 1, 1), D(2025, 6, 30), D(2026, 3, 1)),
    ]


def test_a_report_at_the_end_covers_the_whole_run():
    found = periods(Frequency.AT_END, D(2024, 2, 1), D(2024, 7, 31), due_days=30)

    assert _spans(found) == [(D(2024, 2, 1), D(2024, 7, 31), D(2024, 8, 30))]


def test_a_record_within_one_quarter_has_one_period():
    found = periods(Frequency.QUARTERLY, D(2025, 5, 10), D(2025, 5, 20), due_days=30)

    assert _spans(found) == [(D(2025, 5, 10), D(2025, 5, 20), D(2025, 7, 30))]


def test_a_record_ending_before_it_starts_has_no_period():
    for frequency in Frequency:
        assert periods(frequency, D(2025, 5, 1), D(2025, 4, 30), due_days=30) == []


# --- Labels --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (D(2027, 1, 1), D(2027, 3, 31), "Q1 2027"),
        (D(2026, 10, 1), D(2026, 12, 31), "Q4 2026"),
        (D(2026, 1, 1), D(2026, 6, 30), "H1 2026"),
        (D(2026, 7, 1), D(2026, 12, 31), "H2 2026"),
        (D(2026, 1, 1), D(2026, 12, 31), "2026"),
        # Cut periods, and three months that are no calendar quarter: their dates.
        (D(2024, 2, 15), D(2024, 3, 31), "15 Feb 2024 – 31 Mar 2024"),
        (D(2024, 2, 1), D(2024, 4, 30), "1 Feb 2024 – 30 Apr 2024"),
    ],
)
def test_labels(start, end, label):
    assert period_label(start, end) == label
    assert Period(start, end, end).label == label


def test_labels_in_french():
    with translation.override("fr"):
        assert period_label(D(2024, 2, 15), D(2024, 3, 31)) == "15/02/2024 – 31/03/2024"


# --- States -------------------------------------------------------------------------------

DUE_ON = D(2025, 4, 30)
FIRST_QUARTER = Period(D(2025, 1, 1), D(2025, 3, 31), DUE_ON)


@pytest.mark.parametrize(
    ("report_state", "today", "state"),
    [
        # No report, or one not sent (a draft, a returned one): the day decides.
        (None, D(2025, 2, 1), DueState.UPCOMING),  # the period runs
        (None, D(2025, 3, 31), DueState.UPCOMING),
        (None, D(2025, 4, 1), DueState.DUE),  # over, not yet due
        (None, DUE_ON, DueState.DUE),
        (None, DUE_ON + datetime.timedelta(days=1), DueState.OVERDUE),
        ("draft", D(2025, 4, 20), DueState.DUE),
        ("draft", D(2025, 6, 1), DueState.OVERDUE),
        ("returned", D(2025, 6, 1), DueState.OVERDUE),
        # Sent: the review decides, whatever the day.
        ("submitted", D(2025, 6, 1), DueState.SUBMITTED),
        ("submitted", D(2025, 2, 1), DueState.SUBMITTED),
        ("approved", D(2026, 1, 1), DueState.APPROVED),
    ],
)
def test_state_of_a_due_report(report_state, today, state):
    assert state_of(FIRST_QUARTER, report_state=report_state, today=today) == state


def _due(state: DueState, first_submitted=None) -> DueReport:
    plan = RegionalPlan(pk=7, region_id=3, title="Plan")
    return DueReport(
        kind="plan_update",
        kind_label="plan update",
        record=plan,
        region_id=3,
        period=FIRST_QUARTER,
        state=state,
        first_submitted=first_submitted,
    )


def test_on_time_counts_from_the_first_sending():
    assert _due(DueState.SUBMITTED, first_submitted=DUE_ON).on_time is True
    assert _due(DueState.APPROVED, first_submitted=DUE_ON + datetime.timedelta(1)).on_time is False
    assert _due(DueState.OVERDUE).on_time is None


def test_only_due_and_overdue_reports_are_open():
    assert [state for state in DueState if _due(state).is_open] == [
        DueState.DUE,
        DueState.OVERDUE,
    ]


def test_the_key_names_the_kind_the_record_and_the_period():
    assert _due(DueState.DUE).key == "plan_update:regions.regionalplan:7:2025-01-01:2025-03-31"


# --- The rule every report's period obeys ---------------------------------------------------


@pytest.fixture
def plan(db):
    """A validated Gao plan for 2024 and 2025, its first quarter reported."""
    plan = PlanFactory(status=RegionalPlan.Status.VALIDATED)
    PlanUpdateFactory(plan=plan, period_start=D(2024, 1, 1), period_end=D(2024, 3, 31))
    return plan


def _problems(plan, start, end, **options) -> dict:
    return report_period_problems(
        plan.updates.all(),
        start=start,
        end=end,
        first=plan.period_start,
        last=plan.period_end,
        outside="Outside %(first)s–%(last)s.",
        **options,
    )


def test_a_free_period_within_the_dates_is_accepted(plan):
    assert _problems(plan, D(2024, 4, 1), D(2024, 6, 30)) == {}
    assert _problems(plan, D(2025, 10, 1), D(2025, 12, 31)) == {}


def test_a_period_not_given_is_left_to_the_fields_own_check(plan):
    assert _problems(plan, None, D(2024, 6, 30)) == {}
    assert _problems(plan, D(2024, 4, 1), None) == {}


def test_a_period_ending_before_it_starts_is_an_error_on_its_end(plan):
    assert _problems(plan, D(2024, 6, 30), D(2024, 4, 1)) == {
        "period_end": "The period cannot end before it starts."
    }


def test_a_period_outside_the_records_dates_names_them(plan):
    assert _problems(plan, D(2027, 1, 1), D(2027, 3, 31)) == {
        "period_start": "Outside 1 January 2024–31 December 2025."
    }
    # Partly outside is outside.
    assert "period_start" in _problems(plan, D(2025, 12, 1), D(2026, 1, 31))


def test_a_period_overlapping_a_reported_one_is_refused(plan):
    problems = _problems(plan, D(2024, 3, 1), D(2024, 5, 31))

    assert problems == {
        "period_start": "This period has already been reported (1 January 2024 – 31 March 2024): "
        "change that report instead."
    }


def test_a_report_does_not_clash_with_itself(plan):
    update = plan.updates.get()

    assert _problems(plan, D(2024, 1, 1), D(2024, 3, 31)) != {}
    assert _problems(plan, D(2024, 1, 1), D(2024, 3, 31), exclude_pk=update.pk) == {}
