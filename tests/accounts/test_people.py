"""People managed by headquarters: administrators and user managers invite
people, set their office and role, deactivate and reactivate them, without
Django admin; every change is kept in history and shown by the audit."""

import datetime
import logging
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from regions.models import Office
from tests.conftest import NAVIGATION_QUERIES, PASSWORD, SIGNED_IN_QUERIES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def user_manager(db):
    return UserFactory(
        username="user_manager",
        first_name="Mariam",
        last_name="Traoré",
        role=Role.USER_MANAGER,
        office=Office.objects.get(name="Bamako"),
    )


@pytest.fixture
def colleague(db):
    return UserFactory(
        username="colleague",
        role=Role.VIEWER,
        office=Office.objects.get(name="Gao"),
    )


@pytest.fixture
def events(caplog):
    logger = logging.getLogger("security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="security")
    yield lambda name: [r for r in caplog.records if getattr(r, "event", None) == name]
    logger.removeHandler(caplog.handler)


def _office(name: str) -> Office:
    return Office.objects.get(name=name)


def _invitation(**values) -> dict:
    data = {
        "first_name": "Awa",
        "last_name": "Maïga",
        "email": "awa.maiga@example.org",
        "language": "fr",
        "office": str(_office("Gao").pk),
        "role": Role.REGIONAL_OFFICER.value,
    }
    return {**data, **values}


def _signs_in(username: str, password: str) -> bool:
    """Whether the sign-in page lets `username` in (a client of their own)."""
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def _link(message) -> str:
    return re.search(r"https?://\S+(/accounts/invitation/\S+/)", message.body).group(1)


# --- Who may use the pages ------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_user", "user_manager"])
def test_administrators_and_user_managers_open_every_page(request, client_for, who, colleague):
    client = client_for(request.getfixturevalue(who))

    for url in (
        "/accounts/people/",
        "/accounts/people/invite/",
        f"/accounts/people/{colleague.pk}/",
        f"/accounts/people/{colleague.pk}/edit/",
        f"/accounts/people/{colleague.pk}/deactivate/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["hq_user", "fund_manager", "gao_officer", "tombouctou_head", "viewer", "no_role_user"]
)
def test_other_roles_are_refused_every_page(request, client_for, who, colleague):
    client = client_for(request.getfixturevalue(who))

    for url in (
        "/accounts/people/",
        "/accounts/people/invite/",
        f"/accounts/people/{colleague.pk}/",
        f"/accounts/people/{colleague.pk}/edit/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/accounts/people/{colleague.pk}/deactivate/")
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active


def test_anonymous_visitors_are_sent_to_sign_in(client, colleague):
    response = client.get("/accounts/people/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_navigation_shows_people_to_those_who_manage_them(client_for, user_manager, hq_user):
    assert 'href="/accounts/people/"' in client_for(user_manager).get("/").text
    assert 'href="/accounts/people/"' not in client_for(hq_user).get("/").text


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_roles_by_their_name_in_french_never_their_code(
    client_for, user_manager, colleague, hq_user
):
    page = client_for(user_manager).get("/accounts/people/").text

    assert "Partenaire / lecteur" in page
    assert "Chargé S&amp;R (siège)" in page
    # Codes appear only as the values of the filter's choices, never as text.
    assert not re.search(r">\s*(hq_officer|viewer|user_manager)\s*<", page)


def test_the_list_shows_roles_by_their_name_in_english(client_for, user_manager, colleague):
    client = client_for(user_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get("/accounts/people/").text

    assert "Partner / viewer" in page
    assert "User manager" in page


def test_the_list_filters_by_office_role_activity_and_search(client_for, admin_user, colleague):
    gao_head = UserFactory(
        username="gao_head", last_name="Cissé", role=Role.HEAD_OF_OFFICE, office=_office("Gao")
    )
    gone = UserFactory(username="gone", last_name="Parti", is_active=False)
    client = client_for(admin_user)

    def names(query: str) -> set[str]:
        rows = client.get(f"/accounts/people/?{query}").context["page_obj"].object_list
        return {person.username for person in rows}

    assert names(f"office={_office('Gao').pk}") == {"colleague", "gao_head"}
    assert names("role=head_of_office") == {"gao_head"}
    assert names("role=none") == {"administrator", "gone"}
    assert names("active=false") == {"gone"}
    assert names("q=ciss") == {gao_head.username}
    assert gone.username not in names("active=true")


def test_the_list_shows_the_last_sign_in(client_for, admin_user, colleague, no_role_user):
    colleague.last_login = timezone.make_aware(datetime.datetime(2026, 3, 14, 9, 30))
    colleague.save(update_fields=["last_login"])

    page = client_for(admin_user).get("/accounts/people/").text

    assert "14/03/2026 09:30" in page
    with translation.override("fr"):
        assert f">{gettext('never')}<" in page  # the newcomer


def _list_queries(client, django_assert_num_queries):
    # The session and the user; the role and the queue count (navigation);
    # the count of the filtered rows; the page of rows with their office and
    # role (a subquery); the offices of the filter's choices.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 3):
        assert client.get("/accounts/people/").status_code == 200


def test_the_list_costs_the_same_queries_with_more_people(
    client_for, user_manager, django_assert_num_queries
):
    client = client_for(user_manager)
    for role in (Role.VIEWER, Role.HQ_OFFICER):
        UserFactory(role=role, office=_office("Bamako"))
    client.get("/accounts/people/")
    _list_queries(client, django_assert_num_queries)
    for index in range(15):
        UserFactory(role=list(Role)[index % len(Role)], office=_office("Mopti"))
    _list_queries(client, django_assert_num_queries)


def test_a_person_page_costs_the_same_queries_whoever_it_shows(
    client_for, admin_user, colleague, django_assert_num_queries
):
    client = client_for(admin_user)
    client.get(f"/accounts/people/{colleague.pk}/")
    # Signed in and navigation; the person with their office and role.
    for person in (colleague, admin_user):
        with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 1):
            assert client.get(f"/accounts/people/{person.pk}/").status_code == 200


# --- Inviting -----------------------------------------------------------------------------


def test_an_invitation_creates_the_account_and_sends_a_one_time_link(
    client, client_for, user_manager, events
):
    response = client_for(user_manager).post("/accounts/people/invite/", _invitation())

    person = User.objects.get(email="awa.maiga@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/people/{person.pk}/"
    assert person.username == "awa.maiga@example.org"
    assert person.office == _office("Gao")
    assert person.role == Role.REGIONAL_OFFICER
    assert not person.has_usable_password()
    assert person.history.count() == 1
    assert person.history.get().history_user == user_manager
    assert [e.details["target"] for e in events("invitation_sent")] == [person.username]
    assert len(events("role_change")) == 1
    [message] = mail.outbox
    assert message.to == ["awa.maiga@example.org"]
    # In the invitee's language: French.
    assert "Bonjour" in message.body and "Chargé régional" in message.body
    client.logout()

    link = _link(message)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert _signs_in("awa.maiga@example.org", NEW_PASSWORD)
    assert len(events("invitation_accepted")) == 1
    client.logout()

    # Used once: the link no longer works.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert person.history.count() == 1


def test_the_invitation_is_written_in_english_for_an_english_speaker(client_for, admin_user):
    client_for(admin_user).post("/accounts/people/invite/", _invitation(language="en"))

    [message] = mail.outbox
    assert "Hello Awa Maïga" in message.body
    assert "Regional officer" in message.body


def test_an_invitation_link_expires(client, client_for, admin_user):
    client_for(admin_user).post("/accounts/people/invite/", _invitation())
    link = _link(mail.outbox[0])
    client.logout()
    later = timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS, hours=1)

    with time_machine.travel(later):
        response = client.get(link, follow=True)

    assert response.context["validlink"] is False


def test_deactivating_an_invitee_revokes_the_link(client, client_for, admin_user):
    admin = client_for(admin_user)
    admin.post("/accounts/people/invite/", _invitation())
    person = User.objects.get(email="awa.maiga@example.org")
    admin.post(f"/accounts/people/{person.pk}/deactivate/")
    admin.logout()

    response = client.get(_link(mail.outbox[0]), follow=True)

    assert response.context["validlink"] is False


def test_the_invitation_can_be_sent_again_until_a_password_is_chosen(client_for, admin_user):
    client = client_for(admin_user)
    client.post("/accounts/people/invite/", _invitation())
    person = User.objects.get(email="awa.maiga@example.org")

    response = client.post(f"/accounts/people/{person.pk}/invite-again/")

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    person.set_password(NEW_PASSWORD)
    person.save(update_fields=["password"])
    client.post(f"/accounts/people/{person.pk}/invite-again/")
    assert len(mail.outbox) == 2


def test_an_e_mail_already_in_use_is_refused_and_nothing_is_written(
    client_for, user_manager, colleague
):
    before = User.objects.count()

    response = client_for(user_manager).post(
        "/accounts/people/invite/", _invitation(email=colleague.email.upper())
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("email", "duplicate")
    assert User.objects.count() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "office"),
    [
        (Role.REGIONAL_OFFICER, "Bamako"),
        (Role.HEAD_OF_OFFICE, ""),
        (Role.HQ_OFFICER, "Gao"),
        (Role.FUND_MANAGER, ""),
    ],
)
def test_an_office_that_does_not_suit_the_role_is_refused(client_for, admin_user, role, office):
    before = User.objects.count()
    office_pk = str(_office(office).pk) if office else ""

    response = client_for(admin_user).post(
        "/accounts/people/invite/", _invitation(role=role.value, office=office_pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["office"]
    assert User.objects.count() == before
    assert mail.outbox == []


def test_a_refused_e_mail_leaves_no_account(client_for, admin_user, monkeypatch):
    def refuse(self, fail_silently=False):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailMessage, "send", refuse)

    response = client_for(admin_user).post("/accounts/people/invite/", _invitation())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not User.objects.filter(email="awa.maiga@example.org").exists()


# --- Changing office and role -------------------------------------------------------------


def test_a_user_manager_changes_a_colleagues_office_and_role(client_for, user_manager, colleague):
    response = client_for(user_manager).post(
        f"/accounts/people/{colleague.pk}/edit/",
        {"office": str(_office("Mopti").pk), "role": Role.REGIONAL_OFFICER.value},
    )

    assert response.status_code == 302
    colleague = User.objects.get(pk=colleague.pk)
    assert colleague.office == _office("Mopti")
    assert colleague.role == Role.REGIONAL_OFFICER
    record = colleague.history.latest()
    assert record.history_user == user_manager
    assert set(record.groups.values_list("group__name", flat=True)) == {"regional_officer"}


def test_saving_without_a_change_records_nothing(client_for, user_manager, colleague):
    records = colleague.history.count()

    client_for(user_manager).post(
        f"/accounts/people/{colleague.pk}/edit/",
        {"office": str(colleague.office.pk), "role": Role.VIEWER.value},
    )

    assert colleague.history.count() == records


def test_a_user_manager_cannot_give_the_user_managers_role(client_for, user_manager, colleague):
    response = client_for(user_manager).post(
        f"/accounts/people/{colleague.pk}/edit/",
        {"office": str(_office("Bamako").pk), "role": Role.USER_MANAGER.value},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert User.objects.get(pk=colleague.pk).role == Role.VIEWER


def test_only_administrators_give_the_user_managers_role(client_for, admin_user, colleague):
    client_for(admin_user).post(
        f"/accounts/people/{colleague.pk}/edit/",
        {"office": str(_office("Bamako").pk), "role": Role.USER_MANAGER.value},
    )

    assert User.objects.get(pk=colleague.pk).role == Role.USER_MANAGER


def test_a_user_manager_cannot_make_anyone_administrator(client_for, user_manager, colleague):
    client_for(user_manager).post(
        f"/accounts/people/{colleague.pk}/edit/",
        {
            "office": str(colleague.office.pk),
            "role": Role.VIEWER.value,
            "is_superuser": "on",
            "is_staff": "on",
        },
    )

    colleague.refresh_from_db()
    assert not colleague.is_superuser and not colleague.is_staff


def test_a_user_manager_cannot_change_administrators_or_other_user_managers(
    client_for, user_manager, admin_user
):
    other_manager = UserFactory(
        username="other_manager", role=Role.USER_MANAGER, office=_office("Bamako")
    )
    client = client_for(user_manager)

    for person in (admin_user, other_manager):
        assert client.get(f"/accounts/people/{person.pk}/").status_code == 200
        assert client.get(f"/accounts/people/{person.pk}/edit/").status_code == 403
        assert client.post(f"/accounts/people/{person.pk}/deactivate/").status_code == 403
        person.refresh_from_db()
        assert person.is_active


def test_nobody_changes_their_own_role_or_deactivates_themselves(
    client_for, user_manager, admin_user
):
    for manager in (user_manager, admin_user):
        client = client_for(manager)
        edit = client.post(
            f"/accounts/people/{manager.pk}/edit/",
            {"office": str(_office("Bamako").pk), "role": Role.HQ_OFFICER.value},
        )
        deactivate = client.post(f"/accounts/people/{manager.pk}/deactivate/")

        assert (edit.status_code, deactivate.status_code) == (403, 403)
        manager = User.objects.get(pk=manager.pk)
        assert manager.is_active and manager.role != Role.HQ_OFFICER


# --- Deactivating and reactivating ----------------------------------------------------------


def test_deactivating_asks_first_then_signs_the_person_out(
    client, client_for, user_manager, colleague, events
):
    manager = client_for(user_manager)
    confirmation = manager.get(f"/accounts/people/{colleague.pk}/deactivate/")
    assert confirmation.status_code == 200
    assert User.objects.get(pk=colleague.pk).is_active

    response = manager.post(f"/accounts/people/{colleague.pk}/deactivate/")

    assert response.status_code == 302
    assert not User.objects.get(pk=colleague.pk).is_active
    [event] = events("role_change")
    assert event.details["changes"]["is_active"] == [True, False]
    assert event.user == user_manager.username
    assert not _signs_in(colleague.username, PASSWORD)

    manager.post(f"/accounts/people/{colleague.pk}/reactivate/")

    assert User.objects.get(pk=colleague.pk).is_active
    assert _signs_in(colleague.username, PASSWORD)


# --- The audit ---------------------------------------------------------------------------------


def test_the_audit_shows_who_changed_the_role_by_its_name(client_for, admin_user, user_manager):
    client_for(user_manager).post("/accounts/people/invite/", _invitation())
    person = User.objects.get(email="awa.maiga@example.org")
    client_for(user_manager).post(
        f"/accounts/people/{person.pk}/edit/",
        {"office": str(_office("Gao").pk), "role": Role.HEAD_OF_OFFICE.value},
    )

    page = client_for(admin_user).get(f"/audit/?kind=accounts.user&record={person.pk}").text

    assert page.count("Mariam Traoré") >= 2
    assert "Chargé régional" in page
    assert "head_of_office" not in page


# --- The dashboard of someone without a role ----------------------------------------------------


def test_someone_without_a_role_is_told_who_can_give_one(
    client_for, no_role_user, user_manager, admin_user
):
    Group.objects.get(name=Role.USER_MANAGER.value)
    page = client_for(no_role_user).get("/").text

    assert 'href="mailto:user_manager@example.org"' in page
    assert "Mariam Traoré" in page
    assert 'href="mailto:administrator@example.org"' in page


def test_the_people_of_ones_own_office_come_first(client_for, user_manager):
    gao_manager = UserFactory(
        username="gao_manager", last_name="Zeïna", role=Role.USER_MANAGER, office=_office("Gao")
    )
    newcomer = UserFactory(username="gao_newcomer", office=_office("Gao"))

    page = client_for(newcomer).get("/").text

    assert page.index(gao_manager.email) < page.index(user_manager.email)


def test_an_administrator_without_a_role_is_not_told_to_ask_an_administrator(
    client_for, admin_user, user_manager
):
    page = client_for(admin_user).get("/").text

    assert "mailto:" + user_manager.email not in page
    assert "no role yet" not in page and "aucun rôle" not in page
