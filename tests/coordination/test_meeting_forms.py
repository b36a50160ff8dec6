"""Recording a meeting with its decisions in one step, editing it, and adding
a decision later: what is checked, and that a refusal writes nothing."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from coordination.models import Decision, Meeting, Organisation
from regions.models import Region
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    OrganisationFactory,
    UserFactory,
)

FAR = "A meeting more than 10 years away is surely a typing mistake."
WARNING = "This meeting is dated more than a year from today: check the date."
DUE_BEFORE = "A decision cannot be due before the meeting that took it."


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _in(days: int) -> datetime.datetime:
    """A local time `days` from now, at 10:00, as the form takes it."""
    return timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + (
        datetime.timedelta(days=days)
    )


def decision_row(text="", due=None, **overrides) -> dict:
    return {"text": text, "due_date": due.isoformat() if due else "", "status": "open"} | overrides


def meeting_data(body, *, starts_at=None, decisions=(), **overrides) -> dict:
    """The meeting form as a browser posts it, with its decision rows
    (three blank ones when none is given, as on the page)."""
    starts_at = starts_at or _in(7)
    data = {
        "token": str(uuid.uuid4()),
        "body": body.pk,
        "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
        "place": "Gouvernorat de Gao",
        "agenda": "1. Sécurité\n2. Projets",
        "minutes": "",
        "other_attendees": "",
    }
    rows = list(decisions) or [decision_row() for _ in range(3)]
    data |= {
        "decisions-TOTAL_FORMS": str(len(rows)),
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data |= {f"decisions-{i}-{name}": value for name, value in row.items()}
    return data | overrides


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Recording a meeting with its decisions ------------------------------------------


def test_meeting_with_two_decisions_and_two_blank_rows_creates_exactly_two(client_for, gao_officer):
    body = BodyFactory()
    partner = OrganisationFactory(name="Agence française de développement", acronym="AFD")
    starts_at = _in(7)
    due = starts_at.date() + datetime.timedelta(days=30)
    rows = [
        decision_row("Transmettre la liste des sites", due, owner_organisation=partner.pk),
        decision_row(),
        decision_row("Organiser une mission conjointe à Ansongo", owner_user=gao_officer.pk),
        decision_row(),
    ]
    data = meeting_data(
        body,
        starts_at=starts_at,
        decisions=rows,
        organisations=[partner.pk],
        attendees=[gao_officer.pk],
        other_attendees="Le préfet de Gao",
    )

    response = client_for(gao_officer).post("/coordination/meetings/new/", data, follow=True)

    meeting = Meeting.objects.get()
    assert response.redirect_chain == [(f"/coordination/meetings/{meeting.pk}/", 302)]
    assert "The meeting was recorded." in _messages(response)
    assert (meeting.body, meeting.created_by, meeting.starts_at) == (body, gao_officer, starts_at)
    assert (meeting.place, meeting.other_attendees) == ("Gouvernorat de Gao", "Le préfet de Gao")
    assert list(meeting.organisations.all()) == [partner]
    assert list(meeting.attendees.all()) == [gao_officer]
    decisions = meeting.decisions.order_by("pk")
    assert [(d.text, d.owner_organisation, d.owner_user, d.due_date) for d in decisions] == [
        ("Transmettre la liste des sites", partner, None, due),
        ("Organiser une mission conjointe à Ansongo", None, gao_officer, None),
    ]
    assert "Transmettre la liste des sites" in response.text


def test_meeting_without_decisions_is_recorded_alone(client_for, gao_officer):
    response = client_for(gao_officer).post(
        "/coordination/meetings/new/", meeting_data(BodyFactory())
    )

    assert response.status_code == 302
    assert Meeting.objects.count() == 1
    assert not Decision.objects.exists()


def test_decision_due_before_the_meeting_is_refused_on_its_row_and_nothing_is_written(
    client_for, gao_officer
):
    starts_at = _in(7)
    rows = [
        decision_row("Bonne décision", starts_at.date() + datetime.timedelta(days=3)),
        decision_row("Décision antidatée", starts_at.date() - datetime.timedelta(days=1)),
        decision_row(),
    ]

    response = client_for(gao_officer).post(
        "/coordination/meetings/new/",
        meeting_data(BodyFactory(), starts_at=starts_at, decisions=rows),
    )

    assert response.status_code == 200
    rows = response.context["decisions"].forms
    assert rows[0].errors == {}
    assert rows[1].errors == {"due_date": [DUE_BEFORE]}
    assert DUE_BEFORE in response.text
    assert not Meeting.objects.exists()
    assert not Decision.objects.exists()


def test_decision_row_without_text_but_with_an_owner_is_refused(client_for, gao_officer):
    rows = [decision_row(owner_user=gao_officer.pk)]

    response = client_for(gao_officer).post(
        "/coordination/meetings/new/", meeting_data(BodyFactory(), decisions=rows)
    )

    assert response.context["decisions"].forms[0].errors == {"text": ["This field is required."]}
    assert not Meeting.objects.exists()


def test_meeting_and_decision_errors_show_together(client_for, gao_officer):
    rows = [decision_row(owner_user=gao_officer.pk)]
    data = meeting_data(BodyFactory(), decisions=rows, starts_at=_in(7)) | {"starts_at": ""}

    response = client_for(gao_officer).post("/coordination/meetings/new/", data)

    assert response.context["form"].errors == {"starts_at": ["This field is required."]}
    assert response.context["decisions"].forms[0].errors
    assert not Meeting.objects.exists()


def test_the_same_form_posted_twice_creates_one_meeting(client_for, gao_officer):
    client = client_for(gao_officer)
    due = _in(7).date() + datetime.timedelta(days=10)
    data = meeting_data(BodyFactory(), decisions=[decision_row("Une seule fois", due)])

    first = client.post("/coordination/meetings/new/", data)
    second = client.post("/coordination/meetings/new/", data, follow=True)

    meeting = Meeting.objects.get()
    assert first.url == second.redirect_chain[-1][0] == f"/coordination/meetings/{meeting.pk}/"
    assert "This form had already been sent: the meeting exists once." in _messages(second)
    assert Decision.objects.count() == 1


def test_meeting_eleven_years_away_is_refused(client_for, gao_officer):
    response = client_for(gao_officer).post(
        "/coordination/meetings/new/", meeting_data(BodyFactory(), starts_at=_in(11 * 365))
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"starts_at": [FAR]}
    assert not Meeting.objects.exists()


def test_meeting_two_years_away_is_saved_with_a_warning(client_for, gao_officer):
    response = client_for(gao_officer).post(
        "/coordination/meetings/new/",
        meeting_data(BodyFactory(), starts_at=_in(2 * 365)),
        follow=True,
    )

    assert Meeting.objects.count() == 1
    assert _messages(response) == ["The meeting was recorded.", WARNING]
    assert 'class="message message--warning"' in response.text


def test_officer_cannot_record_a_meeting_of_another_regions_body(client_for, gao_officer):
    BodyFactory()  # the officer manages a body of Gao, so may open the form
    mopti_body = BodyFactory(region=Region.objects.get(code="ML-5"))

    response = client_for(gao_officer).post("/coordination/meetings/new/", meeting_data(mopti_body))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["body"]
    assert not Meeting.objects.exists()


def test_regional_officer_cannot_record_a_meeting_of_a_national_body(client_for, gao_officer):
    BodyFactory()
    response = client_for(gao_officer).post(
        "/coordination/meetings/new/", meeting_data(BodyFactory(region=None))
    )

    assert list(response.context["form"].errors) == ["body"]
    assert not Meeting.objects.exists()


def test_body_choices_are_the_bodies_the_user_manages(client_for, gao_officer):
    gao = BodyFactory(name="Comité de Gao")
    menaka = BodyFactory(name="Comité de Ménaka", region=Region.objects.get(code="ML-9"))
    BodyFactory(name="Comité de Mopti", region=Region.objects.get(code="ML-5"))
    BodyFactory(name="CRZPC", region=None)

    response = client_for(gao_officer).get("/coordination/meetings/new/")

    choices = {
        choice.instance for choice, _ in response.context["form"]["body"].field.choices if choice
    }
    assert choices == {gao, menaka}


def test_new_meeting_form_preselects_the_body_from_the_address(client_for, gao_officer):
    body = BodyFactory()

    response = client_for(gao_officer).get("/coordination/meetings/new/", {"body": body.pk})

    assert f'<option value="{body.pk}" selected>' in response.text
    assert 'type="datetime-local" name="starts_at"' in response.text
    assert 'name="decisions-TOTAL_FORMS" value="3"' in response.text


@pytest.mark.parametrize("body", ["abc", "999999", "-1"])
def test_new_meeting_form_with_a_bad_body_in_the_address_is_still_a_page(
    client_for, gao_officer, body
):
    BodyFactory()

    assert (
        client_for(gao_officer).get("/coordination/meetings/new/", {"body": body}).status_code
        == 200
    )


def test_attendance_lists_only_active_organisations_and_people(client_for, gao_officer):
    BodyFactory()
    active = OrganisationFactory(name="Actif")
    OrganisationFactory(name="Dissous", is_active=False)
    UserFactory(username="parti", is_active=False)

    form = client_for(gao_officer).get("/coordination/meetings/new/").context["form"]

    assert list(form.fields["organisations"].queryset) == [active]
    assert "parti" not in {user.username for user in form.fields["attendees"].queryset}


# --- Editing ---------------------------------------------------------------------------


def edit_data(meeting: Meeting, **overrides) -> dict:
    data = {
        "body": meeting.body_id,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "other_attendees": meeting.other_attendees,
        "organisations": [org.pk for org in meeting.organisations.all()],
        "attendees": [user.pk for user in meeting.attendees.all()],
    }
    return data | overrides


def test_officer_records_the_minutes_and_attendance_of_a_meeting(client_for, gao_officer):
    meeting = MeetingFactory()
    guest = OrganisationFactory(name="Invité")

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/edit/",
        edit_data(
            meeting, minutes="Compte rendu : accord sur les sites.", organisations=[guest.pk]
        ),
        follow=True,
    )

    meeting.refresh_from_db()
    assert response.redirect_chain == [(f"/coordination/meetings/{meeting.pk}/", 302)]
    assert "The meeting was saved." in _messages(response)
    assert meeting.minutes == "Compte rendu : accord sur les sites."
    assert list(meeting.organisations.all()) == [guest]
    assert meeting.history.first().history_user == gao_officer


def test_edit_form_keeps_an_attending_organisation_that_is_no_longer_active(
    client_for, gao_officer
):
    meeting = MeetingFactory()
    former = OrganisationFactory(name="Ancien partenaire", is_active=False)
    meeting.organisations.add(former)

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/edit/", edit_data(meeting, place="Ailleurs")
    )

    assert response.status_code == 302
    assert list(Meeting.objects.get(pk=meeting.pk).organisations.all()) == [former]


def test_moving_a_meeting_after_the_due_date_of_its_decisions_is_refused(client_for, gao_officer):
    meeting = MeetingFactory()
    DecisionFactory(meeting=meeting)  # due 30 days after the meeting
    later = timezone.localtime(meeting.starts_at) + datetime.timedelta(days=60)

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/edit/",
        edit_data(meeting, starts_at=later.strftime("%Y-%m-%dT%H:%M")),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"starts_at": [DUE_BEFORE]}
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at


def test_editing_a_meeting_to_two_years_away_warns(client_for, gao_officer):
    meeting = MeetingFactory()

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/edit/",
        edit_data(meeting, starts_at=_in(-2 * 365).strftime("%Y-%m-%dT%H:%M")),
        follow=True,
    )

    assert WARNING in _messages(response)


def test_edit_form_shows_the_meeting_time_in_local_time(client_for, gao_officer):
    starts_at = datetime.datetime(2026, 3, 5, 9, 30, tzinfo=datetime.UTC)
    meeting = MeetingFactory(starts_at=starts_at)

    response = client_for(gao_officer).get(f"/coordination/meetings/{meeting.pk}/edit/")

    # Bamako is on UTC all year round.
    assert 'value="2026-03-05T09:30"' in response.text
    assert "decisions-TOTAL_FORMS" not in response.text


# --- One decision later --------------------------------------------------------------


def test_officer_adds_a_decision_to_a_meeting(client_for, gao_officer):
    meeting = MeetingFactory()
    owner = OrganisationFactory()
    due = timezone.localtime(meeting.starts_at).date() + datetime.timedelta(days=14)

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/decisions/new/",
        {
            "text": "Relancer les bailleurs",
            "owner_organisation": owner.pk,
            "due_date": due.isoformat(),
            "status": "in_progress",
        },
        follow=True,
    )

    decision = Decision.objects.get()
    assert response.redirect_chain == [(f"/coordination/meetings/{meeting.pk}/", 302)]
    assert "The decision was added." in _messages(response)
    assert (decision.meeting, decision.owner_organisation, decision.due_date, decision.status) == (
        meeting,
        owner,
        due,
        "in_progress",
    )
    assert decision.history.first().history_user == gao_officer


def test_decision_added_later_cannot_be_due_before_the_meeting(client_for, gao_officer):
    meeting = MeetingFactory()
    due = timezone.localtime(meeting.starts_at).date() - datetime.timedelta(days=1)

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/decisions/new/",
        {"text": "Trop tôt", "due_date": due.isoformat(), "status": "open"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"due_date": [DUE_BEFORE]}
    assert not Decision.objects.exists()


def test_decision_without_text_is_refused(client_for, gao_officer):
    meeting = MeetingFactory()

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/decisions/new/", {"text": "", "status": "open"}
    )

    assert response.context["form"].errors == {"text": ["This field is required."]}
    assert not Decision.objects.exists()


def test_inactive_organisations_cannot_own_new_decisions(client_for, gao_officer):
    meeting = MeetingFactory()
    gone = OrganisationFactory(is_active=False)

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/decisions/new/",
        {"text": "Décision", "owner_organisation": gone.pk, "status": "open"},
    )

    assert list(response.context["form"].errors) == ["owner_organisation"]
    assert not Decision.objects.exists()
    assert Organisation.objects.filter(pk=gone.pk).exists()
