"""The top of a project's page: a short summary (status, dates, money in US
dollars, progress, next report due) whose figures are those of the sections
below, and a menu of the page's sections whose every link has its target."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings

from funding.models import Mechanism
from projects.models import Project
from reviews.models import ReviewStatus
from tests.factories import (
    ExpenditureFactory,
    FundingApprovalFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
)

SECTIONS = ("locations", "results", "reports", "money", "documents", "history")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _summary(page: str) -> str:
    return page.split('class="project-summary"')[1].split("</section>")[0]


def _money_section(page: str) -> str:
    return page.split('<section id="money">')[1].split("</section>")[0]


def _figure(summary: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">(.*?)</dd>', summary).group(1)


def _money_row(money: str, key: str) -> str:
    """The dollar figure of row `key` (a glossary term) in the money section:
    in brackets, for a budget in another currency."""
    row = money.split(f'href="/glossary/#{key}"')[1].split("</dd>")[0]
    return re.search(r'<span class="muted">\((.*?)\)</span>', row).group(1)


def _xof_project_with_money() -> Project:
    # Approved at 600 XOF per USD, transferred at 610: the dollars differ.
    project = ProjectFactory(
        budget_currency="XOF", budget_amount=Decimal("24000000"), status="ongoing"
    )
    FundingApprovalFactory(
        project=project,
        currency="XOF",
        amount=Decimal("12000000"),
        amount_usd=Decimal("20000.00"),
    )
    TrancheFactory(
        project=project, currency="XOF", amount=Decimal("6100000"), amount_usd=Decimal("10000.00")
    )
    ExpenditureFactory(
        project=project, currency="XOF", amount=Decimal("3050000"), amount_usd=Decimal("5000.00")
    )
    return project


def test_summary_shows_the_money_sections_dollar_figures(client_for, reader):
    project = _xof_project_with_money()

    page = client_for(reader).get(f"/projects/{project.pk}/").text

    summary, money = _summary(page), _money_section(page)
    for name, key in (
        ("approved-usd", "approved"),
        ("transferred-usd", "transferred"),
        ("spent-usd", "spent"),
    ):
        assert _figure(summary, name) == _money_row(money, key)
    assert _figure(summary, "approved-usd") == "20,000.00\u00a0USD"
    assert _figure(summary, "spent-usd") == "5,000.00\u00a0USD"
    # Spent ÷ transferred, as the money section gives it.
    rate = money.split('href="/glossary/#delivery-rate"')[1].split("<dd>")[1].split("</dd>")[0]
    assert _figure(summary, "delivery-rate") == rate.strip() == "50.0\u00a0%"


def test_summary_shows_status_dates_budget_and_people(client_for, reader):
    project = ProjectFactory(
        status="ongoing", actual_start=datetime.date(2024, 2, 15), budget_amount=Decimal("40000")
    )

    summary = _summary(client_for(reader).get(f"/projects/{project.pk}/").text)

    assert 'class="badge badge--info">ongoing<' in summary
    assert "Planned dates" in summary and "Actual dates" in summary
    assert _figure(summary, "budget-usd") == "40,000.00\u00a0USD"
    # No approved progress report yet: none reached of the 375 targeted.
    assert _figure(summary, "reached") == "0 of 375 targeted"
    assert _figure(summary, "approved-usd") == "0.00\u00a0USD"


@time_machine.travel(datetime.datetime(2025, 7, 5, 9, tzinfo=datetime.UTC))
def test_summary_names_the_next_report_awaited(client_for, gao_officer):
    # A Trust Fund project through 2025 reports every quarter within 30 days:
    # the first quarter's report is sent, the second's is due on 30 July.
    project = ProjectFactory(
        mechanism=Mechanism.objects.get(code="tf"),
        status="ongoing",
        planned_start=datetime.date(2025, 1, 1),
        planned_end=datetime.date(2025, 12, 31),
    )
    ProgressReportFactory(
        project=project,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        review_status=ReviewStatus.SUBMITTED,
    )

    page = client_for(gao_officer).get(f"/projects/{project.pk}/").text

    next_due = _figure(_summary(page), "next-due")
    assert '<time datetime="2025-07-30">' in next_due
    assert 'href="#due-reports-heading"' in next_due
    assert 'id="due-reports-heading"' in page


def test_partners_see_no_next_report(client_for, viewer):
    project = ProjectFactory(status="ongoing")

    summary = _summary(client_for(viewer).get(f"/projects/{project.pk}/").text)

    assert "Next report due" not in summary
    assert 'data-figure="approved-usd"' in summary


@pytest.mark.parametrize("fixture", ["gao_officer", "hq_user", "reader", "viewer"])
def test_every_link_of_the_section_menu_has_its_section(db, request, client_for, fixture):
    project = ProjectFactory(status="approved")

    page = client_for(request.getfixturevalue(fixture)).get(f"/projects/{project.pk}/").text

    menu = page.split('<nav class="section-menu" aria-label="Sections of the page">')[1]
    links = re.findall(r'href="#([\w-]+)"', menu.split("</nav>")[0])
    assert set(SECTIONS) <= set(links)
    for target in links:
        assert page.count(f'id="{target}"') == 1, target


def test_beneficiaries_are_grouped_in_thousands_in_both_languages(client_for, reader):
    project = ProjectFactory(women=1560, men=1200, girls=900, boys=700)  # 4,360 in all
    ProgressReportFactory(
        project=project,
        review_status=ReviewStatus.APPROVED,
        women_reached=1200,
        men_reached=1000,
        girls_reached=0,
        boys_reached=0,
    )
    client = client_for(reader)

    english = client.get(f"/projects/{project.pk}/").text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(f"/projects/{project.pk}/").text

    assert _figure(_summary(english), "reached") == "2,200 of 4,360 targeted"
    assert "1,560 women, 1,200 men, 900 girls, 700 boys: 4,360 in all" in english
    assert _figure(_summary(french), "reached") == "2\u00a0200 sur 4\u00a0360 ciblés"
    assert "1\u00a0560 femmes, 1\u00a0200 hommes, 900 filles, 700 garçons" in french
