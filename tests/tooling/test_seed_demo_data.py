"""The demo data beyond the users: plans, coordination, projects. Seeding
takes seconds, so it runs once for the module (rolled back at the end)."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction

from coordination.models import CoordinationBody, Decision, Meeting, Membership, Organisation
from core.models import SavedFilter
from projects.models import IndicatorReport, Location, ProgressReport, Project, StatusChange
from regions.models import PlanPriority, PlanUpdate, RegionalPlan
from reviews.models import ReviewEvent

COUNTED = [
    RegionalPlan,
    PlanPriority,
    PlanUpdate,
    ReviewEvent,
    Organisation,
    Membership,
    Meeting,
    Decision,
    Project,
    StatusChange,
    Location,
    ProgressReport,
    IndicatorReport,
]


def seed() -> None:
    call_command("seed_demo", password="demo-password-1", stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.django_db
def test_a_second_run_adds_nothing():
    before = {model.__name__: model.objects.count() for model in COUNTED}
    before["history"] = RegionalPlan.history.count()

    seed()

    after = {model.__name__: model.objects.count() for model in COUNTED}
    after["history"] = RegionalPlan.history.count()
    assert after == before


@pytest.mark.django_db
def test_plans_of_the_four_northern_regions_with_updates_in_every_state():
    plans = RegionalPlan.objects.select_related("region")
    assert sorted(plan.region.code for plan in plans) == ["ML-5", "ML-6", "ML-7", "ML-8"]
    for plan in plans:
        assert 4 <= plan.priorities.count() <= 6
        assert plan.title.startswith("Plan régional")
    assert len(set(PlanPriority.objects.values_list("pillar", flat=True))) == 6
    states = set(PlanUpdate.objects.values_list("review_status", flat=True))
    assert states == {"draft", "submitted", "returned", "approved"}


@pytest.mark.django_db
def test_partners_bodies_and_a_year_of_meetings():
    assert Organisation.objects.count() >= 40
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(Organisation.Kind)
    crzpc = CoordinationBody.objects.get(acronym="CRZPC")
    co_chairs = crzpc.memberships.filter(role="co_chair").values_list("organisation__acronym")
    assert {acronym for (acronym,) in co_chairs} == {"MINUSMA", "PNUD", "France"}
    regional = CoordinationBody.objects.filter(region__isnull=False)
    assert sorted(regional.values_list("region__code", flat=True)) == [
        "ML-5",
        "ML-6",
        "ML-7",
        "ML-8",
    ]
    assert Meeting.objects.upcoming().exists()
    assert Meeting.objects.exclude(minutes="").count() >= 20
    assert set(Decision.objects.values_list("status", flat=True)) == set(Decision.Status)
    assert Decision.objects.overdue().exists()
    assert Decision.objects.pending().exclude(pk__in=Decision.objects.overdue()).exists()


@pytest.mark.django_db
def test_about_120_projects_in_every_state():
    projects = Project.objects.all()
    assert 100 <= projects.count() <= 140
    assert set(projects.values_list("mechanism__code", flat=True)) == {"qip", "tf", "pbf"}
    assert set(projects.values_list("status", flat=True)) == set(Project.Status)
    regions = set(projects.values_list("region__code", flat=True))
    assert {"ML-5", "ML-6", "ML-7", "ML-8", "ML-9", "ML-10"} <= regions
    assert Location.objects.filter(sensitivity="sensitive").exists()
    for model in (ProgressReport, IndicatorReport):
        states = set(model.objects.values_list("review_status", flat=True))
        assert states == {"draft", "submitted", "returned", "approved"}
    assert all(code.count("-") == 3 for code in projects.values_list("code", flat=True))


@pytest.mark.django_db
def test_the_gao_officer_has_a_saved_filter_of_the_gao_qips(client):
    saved = SavedFilter.objects.get(user__username="gao", name="Mes QIP de Gao")
    client.force_login(saved.user)

    response = client.get(saved.url)

    codes = set(re.findall(r"\b(?:QIP|TF|PBF)-\d{4}-[A-Z]{3}-\d{3}\b", response.text))
    assert codes and {code.split("-")[0] + "-" + code.split("-")[2] for code in codes} == {
        "QIP-GAO"
    }
    assert "Mes QIP de Gao" in response.text
