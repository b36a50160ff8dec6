"""Small helpers of every app's views."""

import datetime
import re

# A day as the links of the portal write it: 2027-01-31.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def posted(request):
    """The posted data on a POST, None on a GET: a form bound only when sent."""
    return request.POST if request.method == "POST" else None


def period_initial(request) -> dict:
    """The period a link asks a new report's form to open with
    (`?period_start=2027-01-01&period_end=2027-03-31`, as the lists of due
    reports write it), as initial values of the form's fields. A value that
    is not a day written so is ignored, and both are if the period ends
    before it starts: the person then types the period themselves."""
    found = {}
    for name in ("period_start", "period_end"):
        value = request.GET.get(name, "")
        if not ISO_DAY.fullmatch(value):
            continue
        try:
            found[name] = datetime.date.fromisoformat(value)
        except ValueError:
            continue
    if len(found) == 2 and found["period_end"] < found["period_start"]:
        return {}
    return found
