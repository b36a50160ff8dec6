"""A mechanism's rules, when broken, say their figures (how long the project
lasts, the limit and the latest allowed end; the cost in dollars, the ceiling
and the rate used) in the summary above the form and on the field they
concern, in the reader's language, and the same on every path: the portal's
forms, the status page and Django admin. Nothing is written."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from funding import rules
from funding.models import Mechanism
from projects.models import Project
from tests.factories import ExchangeRateFactory, ProjectFactory
from tests.projects.test_money_basis import _admin_form
from tests.projects.test_project_forms import edit_data, project_data

pytestmark = pytest.mark.django_db

TOO_LONG = {"planned_start": "2026-01-01", "planned_end": "2027-02-28"}  # 14 months


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def _in(language: str, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _english_day(day: datetime.date) -> str:
    with translation.override("en"):
        return date_format(day)


def _summary_item(response, field: str) -> str:
    """The error summary's line for `field` (its link and message)."""
    text = response.text
    summary = text[text.index('class="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    start = summary.index(f'<a href="#id_{field}">')
    return summary[start : summary.index("</li>", start)]


def test_a_qip_too_long_says_how_long_the_limit_and_the_latest_end_on_the_end_date(
    client_for, gao_officer
):
    client = _in("en", client_for(gao_officer))

    response = client.post("/projects/new/", project_data(**TOO_LONG))

    message = (
        "The project lasts 14 months; QIP projects may last at most 6 months: "
        f"the latest allowed end date is {_english_day(datetime.date(2026, 6, 30))}."
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"planned_end": [message]}
    assert _summary_item(response, "planned_end") == (
        f'<a href="#id_planned_end">Planned end</a>: {message}'
    )
    assert response.text.count(message) == 2  # the summary, then the field
    assert not Project.objects.exists()


def test_in_french_the_figures_are_french(client_for, gao_officer):
    client = _in("fr", client_for(gao_officer))

    response = client.post("/projects/new/", project_data(**TOO_LONG))

    item = _summary_item(response, "planned_end")
    assert "14" in item and "6" in item and "30 juin 2026" in item
    [error] = response.context["form"].errors["planned_end"]
    assert "30 juin 2026" in error and error in response.text
    assert not Project.objects.exists()


def test_a_qip_over_the_ceiling_in_cfa_francs_gives_dollars_ceiling_and_rate_on_the_budget(
    client_for, gao_officer
):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2026, 3, 1), units_per_usd="600")
    client = _in("en", client_for(gao_officer))
    data = project_data(budget_amount="36000000", budget_currency="XOF")

    response = client.post("/projects/new/", data)

    message = (
        "36,000,000.00\xa0XOF is 60,000.00\xa0USD at 600 XOF per USD (UN rate of March 2026): "
        "more than the 50,000\xa0USD a QIP project may cost."
    )
    assert response.context["form"].errors == {"budget_amount": [message]}
    assert _summary_item(response, "budget_amount") == (
        f'<a href="#id_budget_amount">Budget</a>: {message}'
    )
    assert not Project.objects.exists()


def test_in_french_amounts_are_grouped_with_no_break_spaces(client_for, gao_officer):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2026, 3, 1), units_per_usd="600")
    client = _in("fr", client_for(gao_officer))
    data = project_data(budget_amount="36000000", budget_currency="XOF")

    response = client.post("/projects/new/", data)

    [error] = response.context["form"].errors["budget_amount"]
    for figure in ("36\xa0000\xa0000,00\xa0XOF", "60\xa0000,00\xa0USD", "50\xa0000\xa0USD"):
        assert figure in error
    assert "mars 2026" in error
    assert error in _summary_item(response, "budget_amount")


def test_a_ceiling_in_dollars_gives_the_cost_and_the_ceiling(client_for, gao_officer):
    client = _in("en", client_for(gao_officer))

    response = client.post("/projects/new/", project_data(budget_amount="50000.01"))

    assert response.context["form"].errors["budget_amount"] == [
        "50,000.01\xa0USD is more than the 50,000\xa0USD a QIP project may cost."
    ]
    assert "per USD" not in response.context["form"].errors["budget_amount"][0]


def test_django_admin_and_the_portal_give_the_same_figures_on_the_same_field(
    client_for, gao_officer, admin_user
):
    project = ProjectFactory()  # a QIP from 1 February 2024
    before = (project.planned_end, project.version)
    portal = _in("en", client_for(gao_officer)).post(
        f"/projects/{project.pk}/edit/", edit_data(project, planned_end="2025-01-31")
    )
    client = _in("en", client_for(admin_user))
    url, data = _admin_form(client, project)

    admin = client.post(url, data | {"planned_end": "2025-01-31"})

    message = (
        "The project lasts 12 months; QIP projects may last at most 6 months: "
        f"the latest allowed end date is {_english_day(datetime.date(2024, 7, 31))}."
    )
    assert portal.context["form"].errors["planned_end"] == [message]
    assert admin.context["adminform"].form.errors["planned_end"] == [message]
    project.refresh_from_db()
    assert (project.planned_end, project.version) == before


def test_each_problem_says_what_it_concerns_and_carries_its_figures(db):
    problems = rules.check_project(
        mechanism=Mechanism.objects.get(code="qip"),
        window=None,
        budget=Decimal("60000"),
        currency="USD",
        start=datetime.date(2025, 12, 15),
        end=datetime.date(2027, 2, 14),
    )

    ceiling, too_long = problems
    assert (ceiling.concerns, ceiling.figures["budget_usd"]) == ("budget", Decimal("60000.00"))
    assert ceiling.figures["ceiling_usd"] == Decimal("50000")
    assert too_long.concerns == "end"
    assert too_long.figures == {
        "months": 14,
        "days": 0,
        "limit_months": 6,
        "latest_end": datetime.date(2026, 6, 14),
    }


@pytest.mark.parametrize("months", [1, 6, 18, 36])
def test_the_latest_end_is_the_last_day_the_rule_allows(months):
    day = datetime.date(2024, 1, 1)
    while day.year < 2026:
        latest = rules.latest_end(day, months)
        assert rules.months_between(day, latest) <= months
        assert rules.months_between(day, latest + datetime.timedelta(days=1)) > months
        assert rules.duration(day, latest + datetime.timedelta(days=3)) == (months, 3)
        day += datetime.timedelta(days=1)
