"""`manage.py seed_scale`: a large data set made with bulk inserts that still
holds every invariant the services hold. Checked here on a small one."""

import re
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from funding import rates, rules
from funding.models import (
    Contribution,
    Deposit,
    ExchangeRate,
    Expenditure,
    FundingApproval,
    Mechanism,
    Tranche,
)
from projects.models import (
    MALI_LATITUDE,
    MALI_LONGITUDE,
    Indicator,
    IndicatorReport,
    Location,
    ProgressReport,
    Project,
    ProjectCodeSequence,
)
from projects.services import next_code
from regions.models import Region, RegionalPlan
from reviews.models import ReviewStatus

N = 200
MONEY = [
    (FundingApproval, "approved_on"),
    (Tranche, "paid_on"),
    (Expenditure, "spent_on"),
    (Deposit, "received_on"),
    (Contribution, "pledged_on"),
]


def _seed(projects: int = N, *extra: str) -> str:
    out = StringIO()
    call_command("seed_scale", "--projects", str(projects), "--yes", *extra, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _module_data(django_db_setup, django_db_blocker):
    """One data set for the module's tests (each test runs in a savepoint
    inside this transaction), rolled back after the last of them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_module_data, db) -> str:
    """What the command printed when it made the module's data set."""
    return _module_data


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _sums(model) -> dict[int, Decimal]:
    rows = model.objects.values("project").annotate(total=Sum("amount"))
    return {row["project"]: row["total"] for row in rows}


# --- The command --------------------------------------------------------------------


def test_refuses_to_run_with_debug_off_without_yes(db):
    assert not settings.DEBUG
    before = Project.objects.count()

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_scale", "--projects", "5", stdout=StringIO())

    assert Project.objects.count() == before


def test_creates_the_projects_and_reports_the_rows_it_made(seeded):
    assert Project.objects.count() == N
    assert re.search(rf"projects\.Project\s+{N}\b", seeded)
    # The summary's figures are the database's.
    for model in (Location, Indicator, IndicatorReport, ProgressReport, FundingApproval, Tranche):
        count = model.objects.count()
        assert count > 0
        assert re.search(rf"{model._meta.label}\s+{count:,}\b", seeded), model
    total = int(re.search(r"total\s+([\d,]+)", seeded).group(1).replace(",", ""))
    assert total > 10 * N
    assert "Done in" in seeded


def test_projects_cover_the_regions_mechanisms_windows_and_statuses(seeded):
    in_scope = set(Region.objects.in_scope().values_list("pk", flat=True))
    assert set(Project.objects.values_list("region", flat=True)) == in_scope
    assert set(Project.objects.values_list("mechanism__code", flat=True)) == {"qip", "tf", "pbf"}
    assert set(
        Project.objects.filter(mechanism__code="pbf").values_list("window__code", flat=True)
    ) == {"irf", "prf"}
    assert not Project.objects.exclude(mechanism__code="pbf").filter(window__isnull=False).exists()
    statuses = set(Project.objects.values_list("status", flat=True))
    assert {"pipeline", "ongoing", "completed", "closed", "cancelled"} <= statuses
    # Every project's priority and cercles belong to its region.
    assert (
        not Project.objects.exclude(priority=None)
        .exclude(priority__plan__region=F("region"))
        .exists()
    )
    for project in Project.objects.prefetch_related("cercles"):
        assert project.cercles.exists()
        assert {cercle.region_id for cercle in project.cercles.all()} == {project.region_id}


def test_each_region_in_scope_has_a_validated_plan_with_priorities(seeded):
    for region in Region.objects.in_scope():
        plan = region.plans.get(status=RegionalPlan.Status.VALIDATED)
        assert plan.priorities.count() >= 6


def test_codes_are_unique_and_follow_the_counters(seeded):
    codes = list(Project.objects.values_list("code", flat=True))
    assert len(set(codes)) == N
    assert all(re.fullmatch(r"(QIP|TF|PBF)-\d{4}-[A-Z]{3}-\d{3,}", code) for code in codes)
    # The counters moved past every number given: the next project created
    # through the portal takes a new one.
    project = Project.objects.order_by("-pk").first()
    prefix = project.code.rsplit("-", 1)[0]
    last = ProjectCodeSequence.objects.get(prefix=prefix).last
    assert max(int(code.rsplit("-", 1)[1]) for code in codes if code.startswith(prefix)) == last
    new = next_code(
        mechanism=project.mechanism, year=project.planned_start.year, region=project.region
    )
    assert new not in codes


def test_dates_status_and_actual_dates_agree(seeded):
    today = timezone.localdate()
    for project in Project.objects.all():
        assert project.planned_end >= project.planned_start
        if project.status in ("ongoing", "completed", "closed"):
            assert project.actual_start is not None and project.actual_start <= today
        if project.status in ("completed", "closed"):
            assert project.actual_start <= project.actual_end <= today
        if project.status in ("pipeline", "submitted", "cancelled"):
            assert not project.funding_approvals.exists()
        if project.status == "pipeline":
            assert project.actual_start is None


def test_the_mechanisms_rules_hold_at_each_approval(seeded):
    approved = defaultdict(Decimal)
    for approval in FundingApproval.objects.select_related(
        "project__mechanism", "project__window"
    ).order_by("approved_on", "pk"):
        project = approval.project
        approved[project.pk] += approval.amount
        assert approval.mechanism_id == project.mechanism_id
        assert approval.currency == project.budget_currency
        problems = rules.check_project(
            mechanism=project.mechanism,
            window=project.window,
            budget=approved[project.pk],
            currency=project.budget_currency,
            start=project.planned_start,
            end=project.planned_end,
            on=approval.approved_on,
        )
        assert problems == [], (project.code, problems)


def test_transfers_within_approvals_and_spending_within_transfers(seeded):
    approved, transferred, spent = (_sums(m) for m in (FundingApproval, Tranche, Expenditure))
    assert approved
    for project in Project.objects.filter(pk__in=approved):
        assert approved[project.pk] <= project.budget_amount
        assert transferred.get(project.pk, 0) <= approved[project.pk]
        assert spent.get(project.pk, 0) <= transferred.get(project.pk, 0)
    assert not set(transferred) - set(approved)
    assert not set(spent) - set(transferred)
    assert not Expenditure.objects.filter(beyond_transfers=True).exists()


def test_qip_tranches_follow_the_schedule(seeded):
    for project in Project.objects.filter(mechanism__code="qip", tranches__isnull=False).distinct():
        tranches = list(project.tranches.select_related("step").order_by("paid_on", "pk"))
        approved = project.funding_approvals.aggregate(total=Sum("amount"))["total"]
        assert tranches[0].step.percent == 80
        assert abs(tranches[0].amount - approved * Decimal("0.8")) <= 1
        if len(tranches) == 2:
            assert tranches[0].amount + tranches[1].amount == approved


def test_every_amount_is_positive_dated_and_at_its_months_rate(seeded):
    today = timezone.localdate()
    checked = Counter()
    for model, date_field in MONEY:
        for row in model.objects.all():
            day = getattr(row, date_field)
            assert row.amount > 0
            assert day <= today
            # The same figure as the services' conversion: a rate exists for
            # every month and currency used, and the equivalent is at it.
            assert row.amount_usd == rates.to_usd(row.amount, row.currency, on=day), row
            checked[model] += 1
    assert all(checked[model] for model, _field in MONEY)
    assert ExchangeRate.objects.filter(month__day=1).count() == ExchangeRate.objects.count()


def test_money_follows_its_dates(seeded):
    for project in Project.objects.filter(funding_approvals__isnull=False).distinct():
        first_approval = project.funding_approvals.order_by("approved_on").first().approved_on
        tranches = list(project.tranches.order_by("paid_on"))
        for tranche in tranches:
            assert tranche.paid_on >= first_approval
        for expenditure in project.expenditures.all():
            assert expenditure.spent_on >= tranches[0].paid_on


def test_trust_fund_approvals_are_charged_to_contributions_received_before(seeded):
    tf = Mechanism.objects.get(code="tf")
    approvals = FundingApproval.objects.filter(mechanism=tf).select_related(
        "contribution", "project__priority"
    )
    assert approvals.exists()
    assert not approvals.filter(contribution=None).exists()
    for approval in approvals:
        assert approval.contribution.mechanism_id == tf.pk
        assert approval.contribution.may_fund(approval.project)
    for contribution in Contribution.objects.filter(mechanism=tf).annotate(n=Count("approvals")):
        deposits = list(contribution.deposits.all())
        assert contribution.pledged_on <= min(d.received_on for d in deposits)
        assert sum(d.amount for d in deposits) <= contribution.amount
        assert all(d.currency == contribution.currency for d in deposits)
        # What had been received before each approval covers every approval
        # charged so far: the Trust Fund approves only money received.
        charged = Decimal(0)
        for approval in contribution.approvals.order_by("approved_on", "pk"):
            charged += approval.amount_usd
            received = sum(d.amount_usd for d in deposits if d.received_on <= approval.approved_on)
            assert charged <= received


def test_locations_are_in_mali_and_in_the_projects_region(seeded):
    for location in Location.objects.select_related("project", "cercle"):
        if location.latitude is None:
            assert location.longitude is None
            continue
        assert MALI_LATITUDE[0] <= location.latitude <= MALI_LATITUDE[1]
        assert MALI_LONGITUDE[0] <= location.longitude <= MALI_LONGITUDE[1]
        assert location.cercle.region_id == location.project.region_id


def test_reports_are_in_the_review_states_with_consistent_fields(seeded):
    today = timezone.localdate()
    states = Counter()
    for model in (IndicatorReport, ProgressReport):
        for report in model.objects.all():
            states[report.review_status] += 1
            assert report.period_start <= report.period_end < today
            if report.review_status == ReviewStatus.DRAFT:
                assert report.submitted_at is None and report.reviewed_at is None
            else:
                assert report.submitted_by_id and report.submitted_at.date() > report.period_end
            if report.review_status in (ReviewStatus.APPROVED, ReviewStatus.RETURNED):
                assert report.reviewed_by_id != report.submitted_by_id
                assert report.reviewed_at >= report.submitted_at
    assert states[ReviewStatus.APPROVED] > 0
    assert len(states) >= 3
    for report in IndicatorReport.objects.filter(indicator__by_sex=True):
        assert report.value_women + report.value_men == report.value


def _rows_after(pk: int) -> list[tuple]:
    rows = Project.objects.filter(pk__gt=pk).order_by("pk")
    return list(rows.values_list("code", "title", "budget_amount"))


def test_a_second_run_adds_a_batch_with_new_codes_and_the_same_choices(seeded):
    start = Project.objects.order_by("pk").last().pk
    _seed(30, "--seed", "7")
    first = _rows_after(start)
    plans, rates_before = RegionalPlan.objects.count(), ExchangeRate.objects.count()

    _seed(30, "--seed", "7")

    second = _rows_after(start)[30:]
    assert len(first) == len(second) == 30
    assert Project.objects.values("code").distinct().count() == Project.objects.count()
    # Same seed, same choices; only the codes are new.
    assert [row[1:] for row in second] == [row[1:] for row in first]
    assert not {row[0] for row in first} & {row[0] for row in second}
    # Plans and rates were reused, not duplicated.
    assert RegionalPlan.objects.count() == plans
    assert ExchangeRate.objects.count() == rates_before


# --- The pages at this size ----------------------------------------------------------


def test_the_main_pages_render_for_a_signed_in_user(seeded, client_for, hq_user):
    client = client_for(hq_user)
    project = Project.objects.filter(status="ongoing").first()
    plan = RegionalPlan.objects.filter(status=RegionalPlan.Status.VALIDATED).first()
    region = project.region
    year = project.planned_start.year
    pages = [
        "/",
        f"/?year={year}",
        f"/?region={region.code}",
        "/projects/",
        f"/projects/?region={region.pk}",
        f"/projects/?mechanism={project.mechanism_id}&ordering=-budget",
        "/projects/?status=ongoing&ordering=-end",
        "/projects/?q=forage",
        f"/projects/{project.pk}/",
        f"/plans/{plan.pk}/",
        f"/regions/{region.code}/",
        "/funding/",
        "/funding/tf/",
        "/funding/contributions/",
        f"/projects/export.xlsx?region={region.pk}",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    response = client.get("/projects/", {"region": region.pk})
    assert response.context["totals"]["count"] == Project.objects.filter(region=region).count()


def test_a_validated_plan_is_not_added_where_one_exists(seeded):
    plans = {region.pk: region.plans.count() for region in Region.objects.in_scope()}

    _seed(10)

    assert {region.pk: region.plans.count() for region in Region.objects.in_scope()} == plans
