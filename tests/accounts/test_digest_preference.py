"""The weekly digest, which each person turns on or off for themselves on
their profile page; reminders of overdue items go whatever they choose."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import User
from tests.factories import DecisionFactory
from tests.smtp import smtp_server, text_of

MONDAY = datetime.date(2027, 4, 26)


@pytest.fixture
def smtp(settings):
    settings.REMINDER_DAYS_BEFORE = [7]
    settings.REMINDER_DIGEST_WEEKDAY = MONDAY.isoweekday()
    with smtp_server(settings) as server:
        yield server


def send_reminders(when: datetime.date) -> None:
    moment = datetime.datetime.combine(when, datetime.time(6), zoneinfo.ZoneInfo("Africa/Bamako"))
    with time_machine.travel(moment, tick=False):
        call_command("send_reminders", stdout=io.StringIO())


def test_profile_shows_the_digest_checked_and_that_overdue_reminders_always_go(
    client_for, gao_officer
):
    client = client_for(gao_officer)
    client.cookies["django_language"] = "en"

    response = client.get("/accounts/profile/")

    assert response.status_code == 200
    assert response.context["digest_form"]["receives_digest"].value() is True
    page = response.content.decode()
    assert 'name="receives_digest"' in page
    assert 'action="/accounts/profile/digest/"' in page
    assert gao_officer.email in page
    assert "Reminders of overdue items cannot be turned off." in page


def test_turning_the_digest_off_and_on_again(client_for, gao_officer):
    client = client_for(gao_officer)

    response = client.post("/accounts/profile/digest/", {}, follow=True)

    assert response.redirect_chain == [("/accounts/profile/", 302)]
    gao_officer.refresh_from_db()
    assert gao_officer.receives_digest is False
    assert len(list(response.context["messages"])) == 1
    assert response.context["digest_form"]["receives_digest"].value() is False

    client.post("/accounts/profile/digest/", {"receives_digest": "on"})
    gao_officer.refresh_from_db()
    assert gao_officer.receives_digest is True


def test_a_person_changes_only_their_own_digest(client_for, gao_officer, mopti_officer):
    client_for(gao_officer).post(
        "/accounts/profile/digest/", {"user": mopti_officer.pk, "pk": mopti_officer.pk}
    )

    assert User.objects.get(pk=gao_officer.pk).receives_digest is False
    assert User.objects.get(pk=mopti_officer.pk).receives_digest is True


def test_the_change_is_a_post_by_a_signed_in_person(client, client_for, gao_officer):
    response = client.post("/accounts/profile/digest/", {})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/profile/").status_code == 302

    assert client_for(gao_officer).get("/accounts/profile/digest/").status_code == 405
    assert User.objects.get(pk=gao_officer.pk).receives_digest is True


def test_no_digest_once_turned_off_but_overdue_reminders_still_go(
    smtp, client_for, gao_officer, mopti_officer
):
    for owner in (gao_officer, mopti_officer):
        DecisionFactory(owner_user=owner, due_date=datetime.date(2027, 6, 30), text="Plus tard")
        DecisionFactory(owner_user=owner, due_date=datetime.date(2027, 4, 19), text="En retard")
    client_for(gao_officer).post("/accounts/profile/digest/", {})

    send_reminders(MONDAY)

    (to_gao,) = smtp.to(gao_officer.email)
    assert "En retard" in text_of(to_gao) and "Plus tard" not in text_of(to_gao)
    (to_mopti,) = smtp.to(mopti_officer.email)
    assert "En retard" in text_of(to_mopti) and "Plus tard" in text_of(to_mopti)

    smtp.clear()
    send_reminders(MONDAY + datetime.timedelta(days=7))
    (to_gao,) = smtp.to(gao_officer.email)
    assert "En retard" in text_of(to_gao) and "Plus tard" not in text_of(to_gao)
