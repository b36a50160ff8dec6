"""REMINDER_DAYS_BEFORE: the days before a due date on which reminders go."""

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from minusma_sr import environment


@pytest.mark.parametrize(
    ("raw", "expected"), [("7", [7]), ("7,14", [14, 7]), (" 3, 14 ,3", [14, 3]), ("", [7])]
)
def test_reminder_days_are_read_largest_first_each_once(monkeypatch, raw, expected):
    monkeypatch.setenv("PORTAL_TEST_DAYS", raw)

    assert environment.read_int_list(environ.Env(), "PORTAL_TEST_DAYS", default=[7]) == expected


@pytest.mark.parametrize("raw", ["seven", "7;14", "0", "-1", "7,,14"])
def test_reminder_days_refuse_garbage_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_TEST_DAYS", raw)

    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_DAYS"):
        environment.read_int_list(environ.Env(), "PORTAL_TEST_DAYS", default=[7])
