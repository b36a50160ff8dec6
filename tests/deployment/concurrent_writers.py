"""Run by `test_sqlite_concurrency.py` in a process of its own, on a SQLite
file: twenty requests at once, each in its own thread with its own database
connection, as twenty people would send them. Prints what they got as JSON.

Usage: python tests/deployment/concurrent_writers.py  (DATABASE_URL names the file)
"""

import datetime
import json
import os
import sys
import threading
import uuid
from decimal import Decimal
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minusma_sr.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

WRITERS = 20


def _at_once(requests) -> list[int]:
    """Send every request at the same moment; their status codes."""
    barrier = threading.Barrier(len(requests))
    codes = [0] * len(requests)

    def send(index, request):
        barrier.wait()
        try:
            codes[index] = request().status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def _client(user) -> Client:
    from tests.second_factor import give_second_factor

    client = Client(raise_request_exception=False)
    client.force_login(user)
    give_second_factor(client, user)
    return client


def main() -> None:
    call_command("migrate", verbosity=0)
    from accounts.roles import Role
    from coordination.models import Organisation
    from funding.models import FundingApproval, Mechanism, Tranche
    from projects.models import Project
    from regions.models import Office, Region
    from tests.factories import FundingApprovalFactory, ProjectFactory, UserFactory

    bamako = Office.objects.get(name="Bamako")
    hq = UserFactory(role=Role.HQ_OFFICER, office=bamako)
    manager = UserFactory(role=Role.FUND_MANAGER, office=bamako)
    project = ProjectFactory(
        status=Project.Status.ONGOING,
        region=Region.objects.get(code="ML-7"),
        mechanism=Mechanism.objects.get(code="tf"),
        planned_end=datetime.date(2025, 1, 31),
    )
    FundingApprovalFactory(project=project, amount=Decimal("1000"))
    connection.close()

    hq_clients = [_client(hq) for _ in range(WRITERS)]
    manager_clients = [_client(manager) for _ in range(WRITERS)]
    organisations = _at_once(
        [
            partial(
                client.post,
                "/coordination/organisations/new/",
                {"name": f"Association {n}", "kind": "ngo", "is_active": "on"},
            )
            for n, client in enumerate(hq_clients)
        ]
    )
    tranches = _at_once(
        [
            partial(
                client.post,
                f"/projects/{project.pk}/money/tranches/new/",
                {
                    "token": str(uuid.uuid4()),
                    "amount": "1000",
                    "currency": "USD",
                    "paid_on": "2024-03-01",
                    "reference": f"TRF-{n:04d}",
                    "step": "",
                    "confirmed": "yes",
                },
            )
            for n, client in enumerate(manager_clients)
        ]
    )
    print(
        json.dumps(
            {
                "organisation_codes": organisations,
                "organisations": Organisation.objects.filter(
                    name__startswith="Association "
                ).count(),
                "tranche_codes": tranches,
                "tranches": Tranche.objects.filter(project=project).count(),
                "approved": str(sum(a.amount for a in FundingApproval.objects.all())),
            }
        )
    )


if __name__ == "__main__":
    main()
