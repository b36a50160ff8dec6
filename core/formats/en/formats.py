"""English dates as the mission writes them: day before month, the month in
letters (15 Dec 2026: never read as 12 March by one reader and 15 December
by another), 24-hour times. Anything not named here is Django's English
format (numbers, for one)."""

DATE_FORMAT = "j F Y"  # 15 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 15 Dec 2026
DATETIME_FORMAT = "j F Y H:i"  # 15 December 2026 14:30
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 15 Dec 2026 14:30
TIME_FORMAT = "H:i"  # 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 15 December
FIRST_DAY_OF_WEEK = 1  # Monday

# Typed dates: ISO first (what date fields send, and what a field shows when
# no format is given), then day before month; never month before day.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
