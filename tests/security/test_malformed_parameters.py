"""Malformed, huge or injected query parameters on every list page and
export: each answers 200 (the filter form naming what is wrong, or the
parameter ignored) or 400, never a server error.

The test client raises the exception of a server error: it is caught and
reported with the page and the parameter that caused it, every problem of a
page together."""

import datetime
from urllib.parse import quote

import pytest
from django.conf import settings

from accounts.roles import Role
from tests.factories import (
    ContributionFactory,
    DecisionFactory,
    DepositFactory,
    ExchangeRateFactory,
    PlanFactory,
    ProjectFactory,
    UserFactory,
)

# The list pages and exports, and the parameters each one reads (its filter's
# fields, sorting, paging).
PROJECT_FILTERS = (
    "q",
    "region",
    "cercle",
    "mechanism",
    "window",
    "status",
    "pillar",
    "priority",
    "implementing_partner",
    "focal_point",
    "gender_marker",
    "year",
    "budget_min",
    "budget_max",
    "ordering",
)
CONTRIBUTION_FILTERS = ("mechanism", "donor", "region", "year", "currency", "ordering")
RATE_FILTERS = ("currency", "year")
PAGES = {
    "/projects/": (*PROJECT_FILTERS, "page", "page_size"),
    "/projects/export.csv": PROJECT_FILTERS,
    "/projects/export.xlsx": PROJECT_FILTERS,
    "/projects/iati.xml": PROJECT_FILTERS,
    "/projects/suggest/partners/": ("implementing_partner",),
    "/projects/suggest/focal-points/": ("focal_point",),
    "/plans/": ("q", "region", "status", "period", "pillar", "ordering", "page"),
    "/coordination/organisations/": ("q", "kind", "country", "ordering", "page"),
    "/coordination/meetings/": ("q", "body", "region", "date_from", "date_to", "order", "page"),
    "/coordination/decisions/": (
        "q",
        "status",
        "overdue",
        "body",
        "owner_organisation",
        "owner_user",
        "ordering",
        "page",
    ),
    "/funding/contributions/": (*CONTRIBUTION_FILTERS, "page"),
    "/funding/contributions/export.csv": CONTRIBUTION_FILTERS,
    "/funding/contributions/export.xlsx": CONTRIBUTION_FILTERS,
    "/funding/rates/": (*RATE_FILTERS, "page"),
    "/funding/rates/export.csv": RATE_FILTERS,
    "/funding/rates/export.xlsx": RATE_FILTERS,
    "/funding/qip/": ("page", "ordering", "year"),
    "/funding/qip/projects.csv": ("ordering", "year"),
    "/": ("year", "region"),
    "/audit/": ("who", "kind", "record", "since", "until", "page"),
    "/reviews/": ("page", "ordering"),
    "/regions/": ("page", "ordering"),
    "/projects/choices/": ("region",),
}

# Values a person, a bot or an attacker may put in any parameter, already
# percent-encoded where they must be (NUL, bytes that are not UTF-8).
HOSTILE_VALUES = {
    "letters for a number": "abc",
    "negative": "-1",
    "huge integer": "99999999999999999999",
    "huge float": "1e309",
    "not a number": "NaN",
    "infinity": "-Infinity",
    "a private field": "password",
    "SQL injection": quote("' OR 1=1 --"),
    "SQL injection on sorting": quote("code; DROP TABLE projects_project"),
    "markup": quote("<script>alert(1)</script>"),
    "NUL byte": "%00",
    "NUL inside": "ML-7%00",
    "not UTF-8": "%FF%FE%C3",
    "invalid date": "2024-13-45",
    "date zero": "0000-00-00",
    "date of year 99999": "99999-01-01",
    "empty": "",
    "spaces": "%20%20%20",
    "a list": "%5B1%2C2%5D",
    "100 kB": "A" * 100_000,
}
# Tried alone on each parameter (every one of them is tried on all the
# parameters at once): one of each kind of trouble, to keep the run short.
EACH_PARAMETER = (
    "letters for a number",
    "huge integer",
    "huge float",
    "not a number",
    "a private field",
    "SQL injection",
    "markup",
    "NUL inside",
    "not UTF-8",
    "invalid date",
    "100 kB",
)


@pytest.fixture
def records(db):
    """A few rows of each kind, so that every filter has something to filter."""
    project = ProjectFactory(title="Forage de Gao")
    PlanFactory()
    DecisionFactory()
    contribution = ContributionFactory()
    DepositFactory(contribution=contribution)
    ExchangeRateFactory(month=datetime.date(2024, 3, 1))
    return project


@pytest.fixture
def administrator(db):
    # A headquarters officer who is also an administrator reaches every page
    # above: the audit, the money, the review queue.
    return UserFactory(
        username="hostile_admin", is_staff=True, is_superuser=True, role=Role.HQ_OFFICER
    )


@pytest.fixture
def fetch(client, administrator, records):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def get(url: str, query: str) -> str | None:
        """The problem of GET `url?query`, or None when it answered well."""
        try:
            response = client.get(f"{url}?{query}")
            if response.streaming:
                b"".join(response.streaming_content)
        except Exception as error:  # the client re-raises a view's error
            return f"{type(error).__name__}: {str(error)[:200]}"
        if response.status_code not in (200, 400):
            return f"answered {response.status_code}"
        return None

    return get


def _label(query: str) -> str:
    return query if len(query) < 120 else query[:60] + f"… ({len(query)} characters)"


@pytest.mark.parametrize("url", PAGES)
def test_each_hostile_value_of_each_parameter_answers_without_a_server_error(fetch, url):
    problems = []
    for name in PAGES[url]:
        for what in EACH_PARAMETER:
            problem = fetch(url, f"{name}={HOSTILE_VALUES[what]}")
            if problem:
                problems.append(f"{name} ({what}): {problem}")
    assert problems == [], f"{url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("url", PAGES)
def test_every_parameter_hostile_at_once_answers_without_a_server_error(fetch, url):
    problems = []
    for what, value in HOSTILE_VALUES.items():
        query = "&".join(f"{name}={value}" for name in PAGES[url])
        problem = fetch(url, query)
        if problem:
            problems.append(f"every parameter ({what}): {problem}")
    assert problems == [], f"{url}:\n" + "\n".join(problems)


ODD_QUERIES = {
    "repeated page": "page=1&page=2&page=abc",
    "repeated sorting": "ordering=title&ordering=-code&ordering=password",
    "repeated region": "region=ML-7&region=ML-5&region=%3Cscript%3E",
    "unknown parameters": "utm_source=x&__class__=1&csrfmiddlewaretoken=x&_=1",
    "parameter without a value": "page&ordering&region",
    "name not UTF-8": "%FF%FE=1",
    "name with NUL": "pa%00ge=1",
    "semicolons": "page=1;ordering=password",
    "thousands of parameters": "&".join(f"p{index}=1" for index in range(900)),
    "a huge query": "q=" + "%E2%82%AC" * 30_000,
}


@pytest.mark.parametrize("url", PAGES)
def test_repeated_unknown_and_odd_parameters_answer_without_a_server_error(fetch, url):
    problems = []
    for what, query in ODD_QUERIES.items():
        problem = fetch(url, query)
        if problem:
            problems.append(f"{what} ({_label(query)}): {problem}")
    assert problems == [], f"{url}:\n" + "\n".join(problems)


def test_a_page_number_out_of_range_shows_the_last_page(fetch, client):
    ProjectFactory.create_batch(2)

    response = client.get("/projects/?page=99999999999999999999")

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_sorting_on_a_field_that_is_not_offered_is_refused_with_a_message(fetch, client):
    response = client.get("/projects/?ordering=password")

    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert "ordering" in errors
    assert "Select a valid choice" in errors["ordering"][0]
    # An invalid filter lists nothing rather than rows nobody asked for.
    assert list(response.context["page_obj"]) == []


def test_markup_in_a_parameter_is_shown_escaped(fetch, client):
    response = client.get("/projects/", {"q": "<script>alert(1)</script>"})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_a_nul_byte_in_a_search_is_refused_with_a_message(fetch, client):
    response = client.get("/projects/?q=forage%00")

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.context["filter"].form.errors["q"]


def test_a_search_of_100_kb_is_refused_with_a_message(fetch, client):
    for url in ("/projects/", "/plans/", "/coordination/meetings/"):
        response = client.get(url, {"q": "forage" * 17_500})

        assert response.status_code == 200
        assert response.context["filter"].form.errors["q"] == [
            "Ensure this value has at most 200 characters (it has 105000)."
        ]


def test_a_budget_beyond_any_number_is_refused_with_a_message(fetch, client):
    response = client.get("/projects/?budget_min=1e309")

    assert response.status_code == 200
    assert "budget_min" in response.context["filter"].form.errors
