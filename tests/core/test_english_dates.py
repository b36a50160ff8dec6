"""English dates day before month with the month in letters, 24-hour times."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import MeetingFactory

DAY = datetime.date(2026, 12, 15)
MOMENT = datetime.datetime(2026, 12, 15, 14, 30, tzinfo=datetime.UTC)


def test_english_formats_put_the_day_first_and_count_hours_to_24():
    with translation.override("en"):
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "15 Dec 2026"
        assert date_format(DAY, "DATE_FORMAT") == "15 December 2026"
        assert date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "15 Dec 2026 14:30"
        assert date_format(MOMENT, "TIME_FORMAT") == "14:30"


def test_french_formats_are_unchanged():
    with translation.override("fr"):
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "15/12/2026"
        assert date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "15/12/2026 14:30"


def test_an_english_page_shows_the_day_first_and_a_24_hour_time(client_for, viewer):
    # 14:30 in Bamako (UTC+0).
    meeting = MeetingFactory(starts_at=timezone.make_aware(datetime.datetime(2026, 12, 15, 14, 30)))
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(meeting.get_absolute_url()).text

    assert "15 December 2026" in page
    assert "14:30" in page
    assert "p.m." not in page
