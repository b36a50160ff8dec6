"""The seed_demo command: every role's demo user, idempotent, never with a
guessable password in production."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from regions.models import Office
from tooling.management.commands.seed_demo import DEVELOPMENT_PASSWORD

PASSWORD = "seed-demo-test-password"

# username: (group, office, staff, superuser)
EXPECTED = {
    "admin": (None, "Bamako", True, True),
    "hq": ("hq_officer", "Bamako", False, False),
    "fund": ("fund_manager", "Bamako", False, False),
    "comptes": ("user_manager", "Bamako", False, False),
    "mopti": ("regional_officer", "Mopti", False, False),
    "tombouctou": ("regional_officer", "Tombouctou", False, False),
    "gao": ("regional_officer", "Gao", False, False),
    "kidal": ("regional_officer", "Kidal", False, False),
    "viewer": ("viewer", None, False, False),
    "chef-mopti": ("head_of_office", "Mopti", False, False),
    "chef-tombouctou": ("head_of_office", "Tombouctou", False, False),
    "chef-gao": ("head_of_office", "Gao", False, False),
    "chef-kidal": ("head_of_office", "Kidal", False, False),
}


@pytest.fixture(autouse=True)
def users_only(monkeypatch):
    """These tests are about the demo users: the rest of the demo data (tested
    in test_seed_demo_data.py) is left out to keep them fast."""
    command = "tooling.management.commands.seed_demo"
    monkeypatch.setattr(f"{command}.seed_exchange_rates", lambda: 0)
    monkeypatch.setattr(f"{command}.seed_plans", lambda: 0)
    monkeypatch.setattr(f"{command}.seed_organisations", lambda: 0)
    monkeypatch.setattr(f"{command}.seed_projects", lambda **kwargs: 0)
    monkeypatch.setattr(f"{command}.seed_money", lambda *args: {})
    monkeypatch.setattr(f"{command}.validate_plans", lambda: 0)
    monkeypatch.setattr(f"{command}.seed_meetings", lambda: 0)


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    return {
        user.username: (
            user.password,
            user.office_id,
            sorted(group.name for group in user.groups.all()),
            user.is_staff,
            user.is_superuser,
            user.is_active,
            user.first_name,
            user.last_name,
            user.email,
        )
        for user in User.objects.filter(username__in=EXPECTED).prefetch_related("groups")
    }


@pytest.mark.django_db
def test_seed_demo_creates_a_user_of_every_role_with_its_office():
    output = seed(password=PASSWORD)

    assert "13 created, 0 updated" in output
    users = {user.username: user for user in User.objects.filter(username__in=EXPECTED)}
    assert set(users) == set(EXPECTED)
    for username, (group, office, staff, superuser) in EXPECTED.items():
        user = users[username]
        groups = {g.name for g in user.groups.all()}
        assert groups == ({group} if group else set()), username
        assert (user.office.name if user.office else None) == office, username
        assert user.is_staff is staff, username
        assert user.is_superuser is superuser, username
        assert user.is_active, username
        assert user.first_name and user.last_name, username


@pytest.mark.django_db
def test_every_office_is_headed_by_a_demo_user_of_that_office():
    seed(password=PASSWORD)

    heads = {office.name: office.head for office in Office.objects.select_related("head")}
    assert set(heads) == {"Bamako", "Mopti", "Tombouctou", "Gao", "Kidal"}
    assert heads["Bamako"].username == "hq"
    for name, head in heads.items():
        assert head.username in EXPECTED, name
        assert head.office.name == name, name
        if name != "Bamako":
            assert {g.name for g in head.groups.all()} == {"head_of_office"}, name


@pytest.mark.django_db
def test_seed_demo_puts_back_an_office_head_someone_changed():
    seed(password=PASSWORD)
    gao = Office.objects.get(name="Gao")
    gao.head = User.objects.get(username="gao")
    gao.save()

    seed(password=PASSWORD)

    gao.refresh_from_db()
    assert gao.head.username == "chef-gao"


@pytest.mark.django_db
def test_every_demo_user_can_sign_in_with_the_given_password():
    seed(password=PASSWORD)

    for user in User.objects.filter(username__in=EXPECTED):
        assert user.check_password(PASSWORD), user.username
        assert not user.check_password(DEVELOPMENT_PASSWORD), user.username


@pytest.mark.django_db
def test_running_seed_demo_twice_changes_nothing():
    seed(password=PASSWORD)
    before = snapshot()

    output = seed(password=PASSWORD)

    assert "0 created, 0 updated" in output
    assert snapshot() == before


@pytest.mark.django_db
def test_seed_demo_puts_back_a_demo_user_someone_changed():
    seed(password=PASSWORD)
    gao = User.objects.get(username="gao")
    gao.office = Office.objects.get(name="Mopti")
    gao.save()
    gao.groups.clear()
    viewer = User.objects.get(username="viewer")
    viewer.groups.set([Group.objects.get(name="hq_officer")])

    output = seed(password=PASSWORD)

    assert "0 created, 2 updated" in output
    gao.refresh_from_db()
    assert gao.office.name == "Gao"
    assert {g.name for g in gao.groups.all()} == {"regional_officer"}
    assert {g.name for g in viewer.groups.all()} == {"viewer"}


@pytest.mark.django_db
def test_seed_demo_resets_a_changed_password():
    seed(password=PASSWORD)
    hq = User.objects.get(username="hq")
    hq.set_password("someone-else-chose-this")
    hq.save()

    output = seed(password=PASSWORD)

    assert "0 created, 1 updated" in output
    hq.refresh_from_db()
    assert hq.check_password(PASSWORD)


@pytest.mark.django_db
def test_seed_demo_without_password_in_production_refuses_and_creates_nobody(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--password"):
        seed()

    assert not User.objects.filter(username__in=EXPECTED).exists()


@pytest.mark.django_db
def test_seed_demo_without_password_in_development_uses_the_default_and_says_so(settings):
    settings.DEBUG = True

    output = seed()

    assert "13 created" in output
    assert "development default" in output
    assert DEVELOPMENT_PASSWORD in output
    for user in User.objects.filter(username__in=EXPECTED):
        assert user.check_password(DEVELOPMENT_PASSWORD), user.username
