"""Two fund managers approving at the same moment cannot together spend more
than a contribution holds: each approval locks the contribution row and
re-reads its balance under the lock.

SQLite locks the whole database for each write transaction and has no row
locks, so only PostgreSQL can show it; the test is skipped elsewhere."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from accounts.roles import Role
from funding import services
from funding.models import FundingApproval, Mechanism
from projects.models import Project
from tests.factories import ContributionFactory, DepositFactory, ProjectFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL; "
        "run with DATABASE_URL=postgres://... to test concurrent approvals",
    ),
]

# Long enough for the other thread to reach the balance check while the first
# one holds it: without the lock, both would read the same balance.
DELAY_AFTER_READING_BALANCE = 0.5


def test_two_simultaneous_approvals_against_a_balance_for_one_let_exactly_one_through(
    monkeypatch,
):
    tf = Mechanism.objects.get(code="tf")
    contribution = ContributionFactory(mechanism=tf, amount=Decimal("100000"))
    DepositFactory(contribution=contribution, amount=Decimal("100000"))
    projects = [
        ProjectFactory(
            code=f"TF-2024-GAO-00{n}",
            mechanism=tf,
            budget_amount=Decimal("80000"),
            planned_start=datetime.date(2024, 1, 1),
            planned_end=datetime.date(2024, 12, 31),
            status=Project.Status.APPROVED,
        )
        for n in (1, 2)
    ]
    managers = [UserFactory(username=f"fund{n}", role=Role.FUND_MANAGER) for n in (1, 2)]

    read_balance = services.available_usd

    def slow_balance(locked_contribution):
        balance = read_balance(locked_contribution)
        time.sleep(DELAY_AFTER_READING_BALANCE)
        return balance

    monkeypatch.setattr(services, "available_usd", slow_balance)
    start = threading.Barrier(2)
    outcomes = []

    def approve(project, manager):
        translation.activate("en")
        try:
            start.wait()
            services.approve_funding(
                project,
                by=manager,
                amount=Decimal("80000"),
                currency="USD",
                approved_on=datetime.date(2024, 2, 1),
                decision_reference=f"COPIL-{project.code}",
                contribution=contribution,
            )
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(error.message_dict["amount"][0])
        finally:
            connections.close_all()

    pairs = zip(projects, managers, strict=True)
    threads = [threading.Thread(target=approve, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    refused = [outcome for outcome in outcomes if outcome != "approved"]
    assert outcomes.count("approved") == 1
    assert len(refused) == 1 and "not yet approved" in refused[0]
    assert FundingApproval.objects.count() == 1
    assert services.available_usd(contribution) == Decimal("20000")
