"""The list of decisions, the page of one with the history of its status,
and changing its status with a comment. Overdue is judged with a fixed clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from coordination.models import Decision
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
)

NOW = datetime.datetime(2025, 3, 15, 10, 0, tzinfo=ZoneInfo("Africa/Bamako"))
TODAY = NOW.date()
Status = Decision.Status


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _decision(text="Décision", *, due=None, status=Status.OPEN, **kwargs) -> Decision:
    kwargs.setdefault("meeting", MeetingFactory(starts_at=NOW - datetime.timedelta(days=90)))
    return DecisionFactory(text=text, due_date=due, status=status, **kwargs)


def _texts(response) -> list[str]:
    return [decision.text for decision in response.context["page_obj"].object_list]


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


# --- The list -------------------------------------------------------------------------


def test_decision_list_shows_meeting_body_owner_due_date_and_status(client_for, viewer):
    body = BodyFactory(name="Comité de Gao", acronym="CRC-Gao")
    owner = OrganisationFactory(name="Agence française de développement", acronym="AFD")
    _decision(
        "Transmettre la liste des sites",
        meeting=MeetingFactory(body=body),
        owner_organisation=owner,
        due=datetime.date(2030, 4, 30),
        status=Status.IN_PROGRESS,
    )

    response = client_for(viewer).get("/coordination/decisions/")

    assert response.status_code == 200
    page = response.text
    assert "Transmettre la liste des sites" in page
    assert "CRC-Gao" in page and "AFD" in page
    assert "30 Apr 2030" in page
    assert 'class="badge badge--warning">in progress<' in page
    assert "badge--danger" not in page


def test_decision_list_filters_by_status_body_owner_and_text(client_for, viewer):
    body = BodyFactory()
    afd = OrganisationFactory()
    person = UserFactory(first_name="Aminata", last_name="Traoré")
    _decision("Réhabiliter le forage", meeting=MeetingFactory(body=body), owner_organisation=afd)
    _decision("Organiser la mission", owner_user=person, status=Status.DONE)
    _decision("Autre chose", status=Status.DROPPED)
    client = client_for(viewer)

    def listed(**query):
        return _texts(client.get("/coordination/decisions/", query))

    assert listed(status="done") == ["Organiser la mission"]
    assert listed(body=body.pk) == ["Réhabiliter le forage"]
    assert listed(owner_organisation=afd.pk) == ["Réhabiliter le forage"]
    assert listed(owner_user=person.pk) == ["Organiser la mission"]
    assert listed(q="FORAGE") == ["Réhabiliter le forage"]
    assert "Aminata Traoré" in client.get("/coordination/decisions/").text


def test_decision_list_sorts_by_due_date_both_ways(client_for, viewer):
    for text, days in (("Deux", 2), ("Un", 1), ("Trois", 3)):
        _decision(text, due=_days(days))
    client = client_for(viewer)

    assert _texts(client.get("/coordination/decisions/")) == ["Un", "Deux", "Trois"]
    assert _texts(client.get("/coordination/decisions/", {"ordering": "-due_date"})) == [
        "Trois",
        "Deux",
        "Un",
    ]


def test_overdue_filter_keeps_exactly_the_pending_decisions_due_before_today(
    client_for, viewer, fixed_clock
):
    _decision("Ouverte, échue hier", due=_days(-1))
    _decision("En cours, échue il y a un mois", due=_days(-30), status=Status.IN_PROGRESS)
    _decision("Ouverte, due aujourd'hui", due=_days(0))
    _decision("Ouverte, due demain", due=_days(1))
    _decision("Ouverte, sans échéance")
    _decision("Faite, échue hier", due=_days(-1), status=Status.DONE)
    _decision("Abandonnée, échue hier", due=_days(-1), status=Status.DROPPED)
    client = client_for(viewer)

    overdue = client.get("/coordination/decisions/", {"overdue": "true"})
    not_overdue = client.get("/coordination/decisions/", {"overdue": "false"})

    assert _texts(overdue) == ["En cours, échue il y a un mois", "Ouverte, échue hier"]
    assert overdue.text.count('class="badge badge--danger">overdue<') == 2
    assert len(_texts(not_overdue)) == 5
    assert "Ouverte, échue hier" not in _texts(not_overdue)


def test_a_decision_becomes_overdue_the_day_after_its_due_date(client_for, viewer):
    _decision("Échéance le 15 mars", due=datetime.date(2025, 3, 15))

    def overdue_at(moment):
        with time_machine.travel(moment, tick=False):
            return _texts(client_for(viewer).get("/coordination/decisions/", {"overdue": "true"}))

    on_the_day = overdue_at(datetime.datetime(2025, 3, 15, 23, 30, tzinfo=NOW.tzinfo))
    next_day = overdue_at(datetime.datetime(2025, 3, 16, 0, 30, tzinfo=NOW.tzinfo))

    assert (on_the_day, next_day) == ([], ["Échéance le 15 mars"])


@pytest.mark.parametrize(
    "query",
    [
        {"status": "zzz", "page": "abc", "ordering": "x"},
        {"overdue": "maybe"},
        {"body": "not-a-body"},
        {"owner_organisation": "-1"},
        {"owner_user": "<script>"},
        {"page": "999"},
        {"page": "0"},
    ],
)
def test_decision_list_with_garbage_in_the_query_is_a_page_not_an_error(client_for, viewer, query):
    _decision()

    assert client_for(viewer).get("/coordination/decisions/", query).status_code == 200


def test_decision_list_with_an_invalid_filter_shows_the_error_and_no_rows(client_for, viewer):
    _decision()

    response = client_for(viewer).get("/coordination/decisions/", {"status": "zzz"})

    assert "Select a valid choice." in response.text
    assert _texts(response) == []
    assert "No decision matches these filters." in response.text


def test_decision_list_is_paginated(client_for, viewer):
    meeting = MeetingFactory()
    DecisionFactory.create_batch(27, meeting=meeting)

    response = client_for(viewer).get("/coordination/decisions/", {"status": "open"})

    assert len(response.context["page_obj"].object_list) == 25
    assert 'href="?status=open&amp;page=2"' in response.text


def test_decision_list_without_decisions_says_so(client_for, viewer):
    page = client_for(viewer).get("/coordination/decisions/").text

    assert "No decision has been recorded yet." in page


# --- One decision ---------------------------------------------------------------------


def test_decision_page_shows_meeting_body_owner_and_plan(client_for, viewer):
    plan = PlanFactory(title="PRSR de Gao 2024-2025")
    meeting = MeetingFactory(body=BodyFactory(name="Comité régional de Gao"))
    decision = _decision(
        "Aligner les projets sur le PRSR",
        meeting=meeting,
        plan=plan,
        owner_organisation=OrganisationFactory(name="Programme des Nations Unies", acronym="PNUD"),
        owner_user=UserFactory(first_name="Moussa", last_name="Coulibaly"),
    )

    response = client_for(viewer).get(f"/coordination/decisions/{decision.pk}/")

    assert response.status_code == 200
    page = response.text
    assert "Aligner les projets sur le PRSR" in page
    assert f'href="{meeting.get_absolute_url()}"' in page
    assert "Comité régional de Gao" in page
    assert '<abbr title="Programme des Nations Unies">PNUD</abbr>' in page
    assert "Moussa Coulibaly" in page
    assert f'href="{plan.get_absolute_url()}"' in page and "PRSR de Gao 2024-2025" in page


def test_unknown_decision_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/coordination/decisions/999999/").status_code == 404


@pytest.mark.parametrize(
    ("fixture", "region", "shown"),
    [
        ("gao_officer", "ML-7", True),
        ("hq_user", None, True),
        ("mopti_officer", "ML-7", False),
        ("gao_officer", None, False),
        ("viewer", "ML-7", False),
    ],
)
def test_status_form_only_for_managers_of_the_body(db, request, client_for, fixture, region, shown):
    from regions.models import Region

    body = BodyFactory(region=Region.objects.get(code=region) if region else None)
    decision = _decision(meeting=MeetingFactory(body=body))

    page = client_for(request.getfixturevalue(fixture)).get(decision.get_absolute_url()).text

    assert (f'action="/coordination/decisions/{decision.pk}/status/"' in page) is shown


def test_status_history_shows_each_change_with_who_old_new_and_the_comment(
    client_for, gao_officer, hq_user
):
    gao_officer.first_name, gao_officer.last_name = "Aïssata", "Maïga"
    gao_officer.save()
    decision = _decision("Réhabiliter le forage de Tassiga")
    url = f"/coordination/decisions/{decision.pk}/status/"

    client_for(gao_officer).post(
        url, {"status": "in_progress", "comment": "Entreprise mobilisée le 3 mars."}
    )
    client = client_for(hq_user)
    response = client.post(url, {"status": "done", "comment": "Forage réceptionné."}, follow=True)

    assert "The status of the decision was changed." in response.text
    history = response.context["history"]
    assert [(change.old, change.new) for change in history] == [
        ("in progress", "done"),
        ("open", "in progress"),
        (None, "open"),
    ]
    assert [change.user for change in history[:2]] == [hq_user, gao_officer]
    page = response.text
    assert page.index("in progress → done") < page.index("open → in progress")
    assert "Entreprise mobilisée le 3 mars." in page and "Forage réceptionné." in page
    assert "Aïssata Maïga" in page
    assert Decision.objects.get(pk=decision.pk).status == Status.DONE


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"status": "done", "comment": ""}, "Say why the status changes: a comment is required."),
        ({"status": "done", "comment": "   "}, "a comment is required."),
        ({"status": "done"}, "a comment is required."),
        ({"status": "open", "comment": "Rien ne change."}, "The decision already has this status."),
        ({"status": "finished", "comment": "Statut inventé."}, "Select a valid choice."),
        ({"comment": "Sans statut."}, "This field is required."),
    ],
)
def test_status_change_with_bad_input_says_why_and_changes_nothing(
    client_for, gao_officer, data, error
):
    decision = _decision()

    response = client_for(gao_officer).post(f"/coordination/decisions/{decision.pk}/status/", data)

    assert response.status_code == 200
    assert error in response.text
    assert Decision.objects.get(pk=decision.pk).status == Status.OPEN
    assert decision.history.count() == 1


@pytest.mark.parametrize(
    ("status", "proposed"),
    [("open", "in_progress"), ("in_progress", "done"), ("done", "open"), ("dropped", "open")],
)
def test_status_form_proposes_a_status_other_than_the_current_one(
    client_for, gao_officer, status, proposed
):
    decision = _decision(status=status)

    response = client_for(gao_officer).get(decision.get_absolute_url())

    assert f'<option value="{proposed}" selected>' in response.text


def test_overdue_filter_offers_plain_choices_and_keeps_the_chosen_one(client_for, viewer):
    page = client_for(viewer).get("/coordination/decisions/", {"overdue": "true"}).text

    assert '<option value="true" selected>Overdue</option>' in page
    assert '<option value="false">Not overdue</option>' in page


def test_status_change_is_post_only(client_for, gao_officer):
    decision = _decision()

    response = client_for(gao_officer).get(f"/coordination/decisions/{decision.pk}/status/")

    assert response.status_code == 405


# --- Query counts --------------------------------------------------------------------


def _decisions_with_rows(n: int) -> Decision:
    for i in range(n):
        meeting = MeetingFactory(body=BodyFactory(), created_by=UserFactory())
        _decision(
            f"Décision {i}",
            meeting=meeting,
            due=_days(i - n),
            owner_organisation=OrganisationFactory(),
            owner_user=UserFactory(),
            plan=PlanFactory(),
        )
    return Decision.objects.first()


@pytest.mark.parametrize("n", [1, 8])
def test_decision_list_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, fixed_clock, n
):
    client = client_for(gao_officer)
    _decisions_with_rows(n)
    # After the navigation's queries: the filter's choices of bodies, owning
    # organisations and owning people; COUNT for the paginator; the page of
    # decisions with their meetings, bodies and owners.
    # And the person's saved filters of the list (1).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 5 + 1):
        response = client.get("/coordination/decisions/", {"ordering": "-due_date"})
    assert len(response.context["page_obj"].object_list) == n


@pytest.mark.parametrize("n", [1, 8])
def test_decision_page_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, n
):
    decision = _decisions_with_rows(1)
    for i in range(n):
        decision.status = Status.IN_PROGRESS if i % 2 == 0 else Status.OPEN
        decision._history_user = UserFactory()
        decision._change_reason = f"Changement {i}"
        decision.save()
    client = client_for(gao_officer)
    # After the navigation's queries: the decision with its meeting, body,
    # region, owners and plan; its history records with their users; whether
    # the user manages the body's region (status form).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 3):
        response = client.get(f"/coordination/decisions/{decision.pk}/")
    assert len(response.context["history"]) == n + 1
