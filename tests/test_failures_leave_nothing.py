"""A write that crashes part-way leaves the database exactly as it was.

Each test makes a multi-row write fail in the middle — just after a row was
written, at the second of several rows, or when history records a change —
by making a function it calls raise RuntimeError (a crash the service does
not expect, unlike a refusal), then compares the full content of the tables
the write touches, their history and many-to-many tables included, with what
they held before. Each also checks that the crash was reached, so that a
write refused earlier for another reason cannot pass for an atomic one."""

import contextlib
import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from simple_history.exceptions import NotHistoricalModelError
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_model_for_model

from coordination import services as coordination_services
from coordination.models import Decision, Meeting
from funding import imports
from funding import services as funding_services
from funding.models import (
    Contribution,
    Deposit,
    ExchangeRate,
    Expenditure,
    FundingApproval,
    Mechanism,
    Tranche,
)
from projects import services as project_services
from projects.models import (
    Indicator,
    IndicatorEvidence,
    IndicatorReport,
    Location,
    Project,
    ProjectCodeSequence,
    StatusChange,
)
from regions import services as region_services
from regions.models import Cercle, PlanUpdate, PriorityProgress, Region, RegionalPlan
from reviews import services as review_services
from reviews.models import ReviewEvent
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    DecisionFactory,
    FundingApprovalFactory,
    IndicatorFactory,
    LocationFactory,
    OrganisationFactory,
    PlanFactory,
    PriorityFactory,
    PriorityProgressFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7"
    b"\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def contents(*model_classes: type[models.Model]) -> dict[str, list[dict]]:
    """Every row and value of the tables of `model_classes`, of their history
    tables and of their many-to-many tables."""
    tables = {}
    for model in model_classes:
        related = [model]
        with contextlib.suppress(NotHistoricalModelError):
            related.append(get_history_model_for_model(model))
        related += [field.remote_field.through for field in model._meta.many_to_many]
        for table in related:
            rows = table._default_manager.order_by("pk").values()
            tables[table._meta.db_table] = list(rows)
    return tables


@contextlib.contextmanager
def crash(target, name: str, *, at_call: int = 1, after: bool = True):
    """Make the `at_call`-th call of `target.name` raise RuntimeError, once it
    has done its work (`after`: a crash just after a row is written) or
    instead of it. Yields the list of calls, to check the crash was reached."""
    real = getattr(target, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append((args, kwargs))
        if len(calls) < at_call:
            return real(*args, **kwargs)
        if after:
            real(*args, **kwargs)
        raise RuntimeError("injected failure")

    with mock.patch.object(target, name, failing):
        yield calls


def fails_leaving(tables: tuple, write, *, target, name: str, at_call: int = 1, after=True):
    """Run `write` with the crash injected; the tables must hold what they held."""
    before = contents(*tables)
    with crash(target, name, at_call=at_call, after=after) as calls, pytest.raises(RuntimeError):
        write()
    assert len(calls) == at_call, "the write stopped before the injected crash"
    assert contents(*tables) == before


# --- Funding -----------------------------------------------------------------------


def _contributions_file(rows: int) -> SimpleUploadedFile:
    header = "Donor,Mechanism,Pledged amount,Currency,Pledge date,"
    header += "Earmarked region,Earmarked pillar,Agreement reference,Notes"
    lines = [header]
    lines += [f"ASDI,TF,{100000 + n}.00,USD,2024-03-{10 + n:02d},,,ACC-{n},," for n in range(rows)]
    return SimpleUploadedFile(
        "contributions.csv", "\n".join(lines).encode(), content_type="text/csv"
    )


def test_a_contribution_import_that_crashes_at_its_second_row_records_none(fund_manager):
    OrganisationFactory(name="Royaume de Suède", acronym="ASDI")
    ContributionFactory(amount=Decimal("5000.00"))  # already there, must stay as it is
    upload = _contributions_file(3)

    fails_leaving(
        (Contribution,),
        lambda: imports.import_contributions(upload, by=fund_manager),
        target=funding_services,
        name="record_contribution",
        at_call=2,
    )
    assert Contribution.objects.count() == 1


def test_a_rate_import_that_crashes_at_its_second_row_records_none(fund_manager):
    lines = ["Currency,Month,Units per USD", "XOF,2024-01,600", "EUR,2024-01,0.92"]
    upload = SimpleUploadedFile("rates.csv", "\n".join(lines).encode(), content_type="text/csv")

    fails_leaving(
        (ExchangeRate,),
        lambda: imports.import_rates(upload, by=fund_manager),
        target=funding_services,
        name="record_rate",
        at_call=2,
    )
    assert not ExchangeRate.objects.exists()


def _money_project(**fields) -> Project:
    return ProjectFactory(code="QIP-2024-GAO-100", status=Project.Status.APPROVED, **fields)


MONEY_WRITES = {
    "deposit": lambda manager, project, contribution: funding_services.record_deposit(
        contribution,
        by=manager,
        amount=Decimal("250000.00"),
        currency="USD",
        received_on=datetime.date(2024, 2, 1),
    ),
    "approval": lambda manager, project, contribution: funding_services.approve_funding(
        project,
        by=manager,
        amount=Decimal("8000.00"),
        currency="USD",
        approved_on=datetime.date(2024, 2, 20),
        decision_reference="PRC-2024-099",
    ),
    "tranche": lambda manager, project, contribution: funding_services.record_tranche(
        project,
        by=manager,
        amount=Decimal("4000.00"),
        currency="USD",
        paid_on=datetime.date(2024, 3, 5),
        reference="TRF-0099",
    ),
    "expenditure": lambda manager, project, contribution: funding_services.record_expenditure(
        project,
        by=manager,
        amount=Decimal("900.00"),
        currency="USD",
        spent_on=datetime.date(2024, 4, 2),
        category="supplies",
    ),
}


@pytest.mark.parametrize("kind", MONEY_WRITES)
def test_money_that_crashes_once_its_row_is_written_leaves_no_trace(kind, fund_manager):
    project = _money_project()
    FundingApprovalFactory(project=project, amount=Decimal("32000.00"))
    TrancheFactory(project=project, amount=Decimal("25600.00"))
    contribution = ContributionFactory()

    fails_leaving(
        (Project, Contribution, Deposit, FundingApproval, Tranche, Expenditure),
        lambda: MONEY_WRITES[kind](fund_manager, project, contribution),
        target=funding_services,
        name="_create",
    )


def test_an_approval_charged_to_a_contribution_that_crashes_leaves_its_balance(fund_manager):
    tf = Mechanism.objects.get(code="tf")
    project = ProjectFactory(
        code="TF-2024-GAO-100",
        mechanism=tf,
        budget_amount=Decimal("80000.00"),
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 12, 31),
        status=Project.Status.APPROVED,
    )
    contribution = ContributionFactory(mechanism=tf, amount=Decimal("100000.00"))
    Deposit.objects.create(
        contribution=contribution,
        amount=Decimal("100000.00"),
        currency="USD",
        amount_usd=Decimal("100000.00"),
        received_on=datetime.date(2024, 1, 20),
        recorded_by=fund_manager,
    )

    fails_leaving(
        (Project, Contribution, Deposit, FundingApproval),
        lambda: funding_services.approve_funding(
            project,
            by=fund_manager,
            amount=Decimal("60000.00"),
            currency="USD",
            approved_on=datetime.date(2024, 2, 1),
            decision_reference="COPIL-2024-01",
            contribution=contribution,
        ),
        target=funding_services,
        name="_create",
    )
    assert funding_services.available_usd(contribution) == Decimal("100000.00")


# --- Plan updates and their review ------------------------------------------------------


@pytest.fixture
def validated_plan():
    plan = PlanFactory(status=RegionalPlan.Status.VALIDATED)
    PriorityFactory(plan=plan, code="AXE-1")
    PriorityFactory(plan=plan, code="AXE-2")
    return plan


PLAN_UPDATE_TABLES = (PlanUpdate, PriorityProgress, ReviewEvent)


def _update_with_progress(plan, priority) -> PlanUpdate:
    """A draft update reporting on `priority`."""
    update = PlanUpdate.objects.create(
        plan=plan,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
        narrative="Premier trimestre.",
        created_by=plan.created_by,
    )
    PriorityProgressFactory(update=update, priority=priority, narrative="Engagé.")
    return update


def test_a_plan_update_that_crashes_at_its_second_priority_is_not_created(
    gao_officer, validated_plan
):
    first, second = validated_plan.priorities.order_by("code")
    progress = {first.pk: ("on_track", "Travaux engagés."), second.pk: ("delayed", "Pluies.")}

    fails_leaving(
        PLAN_UPDATE_TABLES,
        lambda: region_services.create_update(
            validated_plan,
            by=gao_officer,
            progress=progress,
            period_start=datetime.date(2024, 4, 1),
            period_end=datetime.date(2024, 6, 30),
            narrative="Deuxième trimestre.",
        ),
        target=PriorityProgress.objects,
        name="create",
        at_call=2,
    )
    assert not PlanUpdate.objects.exists()


def test_an_update_edit_that_crashes_after_saving_the_update_keeps_the_old_one(
    gao_officer, validated_plan
):
    first, second = validated_plan.priorities.order_by("code")
    update = _update_with_progress(validated_plan, first)
    progress = {first.pk: ("blocked", "Accès coupé."), second.pk: ("on_track", "Démarré.")}

    fails_leaving(
        PLAN_UPDATE_TABLES,
        lambda: region_services.edit_update(
            update, by=gao_officer, progress=progress, narrative="Réécrit."
        ),
        target=PriorityProgress.objects,
        name="create",
    )
    update.refresh_from_db()
    assert update.narrative == "Premier trimestre."


def test_a_submission_that_crashes_after_its_event_row_stays_a_draft_and_tells_nobody(
    gao_officer, hq_user, validated_plan, django_capture_on_commit_callbacks
):
    update = _update_with_progress(validated_plan, validated_plan.priorities.first())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        fails_leaving(
            PLAN_UPDATE_TABLES,
            lambda: review_services.submit(update, by=gao_officer),
            target=review_services,
            name="_record",
        )
    assert callbacks == []
    assert mail.outbox == []
    update.refresh_from_db()
    assert update.review_status == "draft"


def test_an_approval_that_crashes_after_its_event_row_leaves_the_update_submitted(
    gao_officer, hq_user, validated_plan, django_capture_on_commit_callbacks
):
    update = _update_with_progress(validated_plan, validated_plan.priorities.first())
    review_services.submit(update, by=gao_officer, notify=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        fails_leaving(
            PLAN_UPDATE_TABLES,
            lambda: review_services.approve(update, by=hq_user, comment="Bien."),
            target=review_services,
            name="_record",
        )
    assert callbacks == []
    assert mail.outbox == []
    update.refresh_from_db()
    assert update.review_status == "submitted"


# --- Projects ----------------------------------------------------------------------------

PROJECT_TABLES = (Project, ProjectCodeSequence, StatusChange)


def _project_fields() -> dict:
    return {
        "title": "Réhabilitation du marché de Bourem",
        "summary": "Marché couvert et latrines.",
        "region": Region.objects.get(code="ML-7"),
        "mechanism": Mechanism.objects.get(code="qip"),
        "implementing_partner": OrganisationFactory(kind="ngo", country="ML"),
        "budget_amount": Decimal("45000.00"),
        "budget_currency": "USD",
        "planned_start": datetime.date(2024, 3, 1),
        "planned_end": datetime.date(2024, 8, 31),
    }


def test_a_project_creation_that_crashes_after_its_row_before_its_cercles_leaves_no_project(
    gao_officer,
):
    project_services.create_project(by=gao_officer, **_project_fields())  # takes number 001
    cercles = list(Cercle.objects.filter(region__code="ML-7")[:2])

    fails_leaving(
        PROJECT_TABLES,
        lambda: project_services.create_project(
            by=gao_officer, cercles=cercles, **_project_fields()
        ),
        target=project_services,
        name="create_once",
    )
    # The counter is back where it was: the next project takes the next number.
    project, _created = project_services.create_project(by=gao_officer, **_project_fields())
    assert project.code == "QIP-2024-GAO-002"


def test_a_project_edit_that_crashes_before_its_cercles_keeps_the_old_project(gao_officer):
    gao, bourem = Cercle.objects.filter(region__code="ML-7").order_by("name")[:2]
    project = ProjectFactory()
    project.cercles.set([gao])

    fails_leaving(
        PROJECT_TABLES,
        lambda: project_services.edit_project(
            project,
            by=gao_officer,
            version=project.version,
            cercles=[bourem],
            title="Nouveau titre",
        ),
        target=project_services,
        name="save_versioned",
    )


def test_a_status_step_that_crashes_before_its_timeline_row_leaves_the_status(gao_officer):
    project = ProjectFactory()

    fails_leaving(
        PROJECT_TABLES,
        lambda: project_services.move(project, by=gao_officer, step="submit"),
        target=StatusChange.objects,
        name="create",
        after=False,
    )
    project.refresh_from_db()
    assert project.status == Project.Status.PIPELINE


def test_an_indicator_report_that_crashes_while_storing_its_evidence_is_not_created(
    gao_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    indicator = IndicatorFactory()
    evidence = SimpleUploadedFile("photo.png", PNG, content_type="image/png")

    fails_leaving(
        (IndicatorReport, IndicatorEvidence),
        lambda: project_services.create_indicator_report(
            indicator,
            by=gao_officer,
            evidence=evidence,
            period_start=datetime.date(2024, 2, 1),
            period_end=datetime.date(2024, 3, 31),
            value=Decimal("500"),
        ),
        target=project_services,
        name="attach_file",
    )


# --- A row and its history ---------------------------------------------------------------
# History keeps who changed what: a change saved without its history entry
# would be a change nobody can account for.

SINGLE_ROW_WRITES = {
    "create a location": (
        (Location,),
        lambda user, records: project_services.create_location(
            records["project"], by=user, place="Marché de Gao"
        ),
    ),
    "edit a location": (
        (Location,),
        lambda user, records: project_services.edit_location(
            records["location"], by=user, place="Quartier Château"
        ),
    ),
    "delete a location": (
        (Location,),
        lambda user, records: project_services.delete_location(records["location"], by=user),
    ),
    "create an indicator": (
        (Indicator,),
        lambda user, records: project_services.create_indicator(
            records["project"],
            by=user,
            title="Latrines construites",
            unit="latrines",
            baseline=Decimal("0"),
            target=Decimal("12"),
        ),
    ),
    "edit an indicator": (
        (Indicator,),
        lambda user, records: project_services.edit_indicator(
            records["indicator"], by=user, target=Decimal("3000")
        ),
    ),
    "add a decision to a meeting": (
        (Decision,),
        lambda user, records: coordination_services.add_decision(
            records["decision"].meeting, by=user, text="Partager le rapport."
        ),
    ),
    "change a decision's status": (
        (Decision,),
        lambda user, records: coordination_services.change_decision_status(
            records["decision"], by=user, status="done", comment="Fait."
        ),
    ),
}


@pytest.mark.parametrize("write", SINGLE_ROW_WRITES)
def test_a_change_whose_history_cannot_be_recorded_is_not_saved(write, gao_officer):
    tables, action = SINGLE_ROW_WRITES[write]
    project = ProjectFactory()
    records = {
        "project": project,
        "location": LocationFactory(project=project),
        "indicator": IndicatorFactory(project=project),
        "decision": DecisionFactory(meeting__body=BodyFactory()),
    }

    fails_leaving(
        tables,
        lambda: action(gao_officer, records),
        target=HistoricalRecords,
        name="create_historical_record",
        after=False,
    )


# --- Coordination -------------------------------------------------------------------------


def test_a_meeting_that_crashes_at_its_second_decision_is_not_recorded(hq_user):
    body = BodyFactory()
    partner = OrganisationFactory()
    decisions = [{"text": "Cartographier les besoins."}, {"text": "Réunir les maires."}]

    fails_leaving(
        (Meeting, Decision),
        lambda: coordination_services.create_meeting(
            body,
            by=hq_user,
            organisations=[partner],
            attendees=[hq_user],
            decisions=decisions,
            starts_at=datetime.datetime(2024, 5, 2, 9, tzinfo=datetime.UTC),
            place="Gouvernorat de Gao",
        ),
        target=coordination_services,
        name="add_decision",
        at_call=2,
    )
    assert not Meeting.objects.exists()
