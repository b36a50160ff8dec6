"""Fixtures for every role. Offices, regions and groups come from the data
migrations, as on a real installation."""

import pytest

from accounts import two_factor
from accounts.roles import Role
from regions.models import Office
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"

# The step a sign-in owes after the password, as production decides it.
_STEP_FOR = two_factor.step_for


def _empties_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transaction = marker is not None and marker.kwargs.get(
        "transaction", bool(marker.args and marker.args[0])
    )
    return bool(transaction) or bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests on a transactional database (the live server of the browser
    tests, concurrent approvals) leave it empty, reference data included:
    they run last, after every other test, whatever fixtures those reach."""
    items.sort(key=_empties_the_database)


@pytest.fixture(scope="session", autouse=True)
def _second_factor_given():
    """A sign-in in a test (`force_login`, the browser's sign-in form) stands
    for a complete one, second factor included, so that every page can be
    tested as each role sees it once signed in. The tests of two-factor
    sign-in itself ask for the step with `two_factor_step`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(two_factor, "step_for", lambda user: None)
        yield


@pytest.fixture
def two_factor_step(monkeypatch):
    """Sign-ins in this test owe the second factor as in production."""
    monkeypatch.setattr(two_factor, "step_for", _STEP_FOR)


def _office(name: str) -> Office:
    return Office.objects.get(name=name)


@pytest.fixture
def hq_user(db):
    return UserFactory(username="hq_officer", role=Role.HQ_OFFICER, office=_office("Bamako"))


@pytest.fixture
def fund_manager(db):
    return UserFactory(username="fund_manager", role=Role.FUND_MANAGER, office=_office("Bamako"))


@pytest.fixture
def gao_officer(db):
    return UserFactory(username="gao_officer", role=Role.REGIONAL_OFFICER, office=_office("Gao"))


@pytest.fixture
def mopti_officer(db):
    return UserFactory(
        username="mopti_officer", role=Role.REGIONAL_OFFICER, office=_office("Mopti")
    )


@pytest.fixture
def tombouctou_head(db):
    office = _office("Tombouctou")
    head = UserFactory(username="tombouctou_head", role=Role.HEAD_OF_OFFICE, office=office)
    office.head = head
    office.save(update_fields=["head"])
    return head


@pytest.fixture
def viewer(db):
    return UserFactory(username="partner", role=Role.VIEWER)


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="newcomer")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# Queries every signed-in page makes, whatever it shows: the session and the
# user with their office (page header). The session is renewed for its idle
# expiry only every few minutes (core.middleware.renew_session), not within a
# test. Reading the user's role adds one query.
SIGNED_IN_QUERIES = 2

# The navigation of every signed-in page: the user's role (their groups) and
# the number of items awaiting them in the review queue (one UNION ALL query
# over the reviewable models, whatever their number).
NAVIGATION_QUERIES = 2


@pytest.fixture
def reader(db):
    """Someone at headquarters who reads every record in every state (drafts
    included, `reviews.visibility`) and reviews nothing: a fund manager. The
    tests of lists, filters and exports read as this person; what partners
    may read is tested on its own (tests/security/test_visibility_by_state.py)."""
    return UserFactory(username="reader", role=Role.FUND_MANAGER, office=_office("Bamako"))


def read_report_content_types() -> None:
    """Read the content types of the reports whose first submissions the
    lists of due reports look up (`reviews.models.ReviewEvent.first_submissions`).
    Django keeps them in memory once read: a page reads them only in the
    first request of a process, so a query count reads them first."""
    from django.contrib.contenttypes.models import ContentType

    from projects.models import ProgressReport
    from regions.models import PlanUpdate

    ContentType.objects.get_for_models(ProgressReport, PlanUpdate)
