"""The audit page: who changed what, across every record kept in history, for
administrators only."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import capfirst

from accounts.roles import Role
from coordination.models import Decision
from funding.models import Deposit
from portfolio import audit
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    DecisionFactory,
    DepositFactory,
    LocationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AUDIT_URL = "/audit/"


def _save(instance, *, by, at=None, **changes):
    """Change `instance` as `by` would in the portal (history records the author)."""
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._history_user = by
    if at is not None:
        instance._history_date = at
    instance.save()
    return instance


def _rows(response) -> list[str]:
    """The table's rows as plain text, whitespace collapsed."""
    body = response.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = body.split("</tr>")[:-1]
    return [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split())) for row in rows]


@pytest.fixture
def staff_only(db):
    return UserFactory(username="staff_only", is_staff=True)


@pytest.fixture
def superuser_not_staff(db):
    return UserFactory(username="superuser_not_staff", is_superuser=True)


# --- Who may read it --------------------------------------------------------------------


def test_anonymous_person_is_sent_to_sign_in(client):
    response = client.get(AUDIT_URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    "fixture",
    ["hq_user", "fund_manager", "gao_officer", "viewer", "staff_only", "superuser_not_staff"],
)
def test_only_staff_superusers_read_the_audit(request, client_for, fixture):
    response = client_for(request.getfixturevalue(fixture)).get(AUDIT_URL)

    assert response.status_code == 403


def test_navigation_links_the_audit_for_administrators_only(client_for, admin_user, hq_user):
    assert f'href="{AUDIT_URL}"' in client_for(admin_user).get("/").text
    assert f'href="{AUDIT_URL}"' not in client_for(hq_user).get("/").text


def test_every_audited_kind_of_record_is_listed():
    kinds = set(audit.audited_models())

    assert {
        "regions.regionalplan",
        "regions.planpriority",
        "regions.planupdate",
        "projects.project",
        "projects.location",
        "projects.indicator",
        "projects.progressreport",
        "projects.indicatorreport",
        "funding.contribution",
        "funding.deposit",
        "funding.fundingapproval",
        "funding.tranche",
        "funding.expenditure",
        "funding.exchangerate",
        "coordination.decision",
        "coordination.meeting",
        "accounts.user",
    } <= kinds


# --- What it shows ------------------------------------------------------------------------


def test_changes_across_records_newest_first_with_who_and_what(client_for, admin_user, hq_user):
    project = ProjectFactory(title="Forage de Bourem", budget_amount="40000.00")
    decision = DecisionFactory(text="Relancer les travaux du marché")
    _save(project, by=hq_user, title="Forage et château d'eau de Bourem")
    _save(decision, by=hq_user, status=Decision.Status.DONE)

    response = client_for(admin_user).get(AUDIT_URL)

    assert response.status_code == 200
    rows = _rows(response)
    # Newest first: the decision, then the project's edit, then the creations.
    assert "Decision" in rows[0] or "Décision" in rows[0]
    assert str(hq_user) in rows[0]
    assert "Forage de Bourem → Forage et château d'eau de Bourem" in rows[1]
    assert f'href="/projects/{project.pk}/"' in response.text
    assert f'href="/coordination/decisions/{decision.pk}/"' in response.text
    assert any(project.code in row and ("créé" in row or "created" in row) for row in rows)


def test_role_change_shows_the_groups_before_and_after(client_for, admin_user):
    person = UserFactory(username="aminata", role=Role.VIEWER)
    person._history_user = admin_user
    person.groups.set([Group.objects.get(name=Role.HQ_OFFICER.value)])

    response = client_for(admin_user).get(AUDIT_URL, {"kind": "accounts.user", "record": person.pk})

    rows = _rows(response)
    assert str(Role.HQ_OFFICER.label) in rows[0] and str(admin_user) in rows[0]
    assert str(Role.VIEWER.label) in rows[1]
    assert f'href="/admin/accounts/user/{person.pk}/change/"' in response.text


def test_foreign_keys_are_named_and_deleted_records_lose_their_link(
    client_for, admin_user, hq_user
):
    location = LocationFactory(place="Quartier Château")
    other = ProjectFactory(title="Marché de Gao")
    _save(location, by=hq_user, project=other)
    number = location.pk
    location._history_user = admin_user
    location.delete()

    response = client_for(admin_user).get(
        AUDIT_URL, {"kind": "projects.location", "record": number}
    )

    rows = _rows(response)
    assert len(rows) == 3
    assert "supprimé" in rows[0] or "deleted" in rows[0]
    assert str(other) in rows[1]  # the project named, not its number
    assert "Quartier Château" in rows[0]
    assert f'href="/projects/{other.pk}/#locations"' not in response.text


def test_filter_by_person(client_for, admin_user, hq_user, gao_officer):
    project = ProjectFactory(title="Titre initial")
    _save(project, by=hq_user, title="Titre du siège")
    _save(project, by=gao_officer, title="Titre de Gao")

    response = client_for(admin_user).get(AUDIT_URL, {"who": gao_officer.pk})

    rows = _rows(response)
    assert len(rows) == 1
    assert "Titre du siège → Titre de Gao" in rows[0]


def test_filter_by_kind_of_record(client_for, admin_user, hq_user):
    project = ProjectFactory()
    DepositFactory()
    _save(project, by=hq_user, title="Autre titre")

    response = client_for(admin_user).get(AUDIT_URL, {"kind": "funding.deposit"})

    rows = _rows(response)
    assert len(rows) == 1
    assert rows[0].count(str(capfirst(Deposit._meta.verbose_name))) == 1


def test_filter_by_dates(client_for, admin_user, hq_user):
    project = ProjectFactory(title="A")
    moment = timezone.make_aware(datetime.datetime(2025, 3, 10, 9, 0))
    _save(project, by=hq_user, at=moment - datetime.timedelta(days=10), title="B")
    _save(project, by=hq_user, at=moment, title="C")
    _save(project, by=hq_user, at=moment + datetime.timedelta(days=10), title="D")

    response = client_for(admin_user).get(AUDIT_URL, {"since": "2025-03-10", "until": "2025-03-10"})

    rows = _rows(response)
    assert len(rows) == 1
    assert "B → C" in rows[0]


def test_record_number_needs_its_kind(client_for, admin_user, hq_user):
    _save(ProjectFactory(), by=hq_user, title="Autre titre")

    response = client_for(admin_user).get(AUDIT_URL, {"record": "1"})

    assert response.status_code == 200
    assert "<tbody>" not in response.text
    assert response.context["form"].errors["record"]


def test_fifty_changes_a_page(client_for, admin_user, hq_user):
    project = ProjectFactory(title="v0")
    for number in range(1, 55):
        _save(project, by=hq_user, title=f"v{number}")

    client = client_for(admin_user)
    first = client.get(AUDIT_URL, {"kind": "projects.project"})
    second = client.get(AUDIT_URL, {"kind": "projects.project", "page": 2})

    assert len(_rows(first)) == 50
    assert "v53 → v54" in _rows(first)[0]
    # 54 changes and the creation: five on the second page, the creation last.
    assert len(_rows(second)) == 5
    assert "kind=projects.project&amp;page=2" in first.text


# --- Speed ------------------------------------------------------------------------------------


class BusyDay:
    """A project, a location, a decision and a person whose role changes."""

    def __init__(self):
        self.project = ProjectFactory()
        self.location = LocationFactory(project=self.project)
        self.decision = DecisionFactory()
        self.person = UserFactory()
        self.groups = [
            Group.objects.get(name=role.value) for role in (Role.VIEWER, Role.HQ_OFFICER)
        ]

    def rounds(self, count: int, *, by) -> None:
        for number in range(count):
            _save(self.project, by=by, title=f"Titre {number}")
            _save(self.location, by=by, place=f"Lieu {number}")
            _save(self.decision, by=by, text=f"Décision {number}")
            self.person._history_user = by
            self.person.groups.set([self.groups[number % 2]])


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(AUDIT_URL, query).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_changes(
    client_for, admin_user, hq_user, django_assert_num_queries
):
    # Filtered by person, so that both pages hold the same kinds of record: the
    # count grows with the kinds on the page (at most the audited models), not
    # with the rows.
    client, query = client_for(admin_user), {"who": hq_user.pk}
    day = BusyDay()
    day.rounds(2, by=hq_user)
    few = _queries(client, query)
    day.rounds(40, by=hq_user)  # far more than a page

    # The person chosen, and the filter's choices; the count and the page (one
    # UNION ALL query over every history table each); per kind of record on
    # the page, its records with the ones before them (projects, locations,
    # decisions, users); a user's groups and permissions kept with each record.
    # And the person's saved filters of the list (1).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 10 + 1):
        response = client.get(AUDIT_URL, query)

    assert len(_rows(response)) == audit.PAGE_SIZE
    assert _queries(client, query) == few
