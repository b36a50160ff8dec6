"""The meeting form's choices: the body's members ticked when a meeting of a
chosen body is recorded, organisations and staff in search fields, decision
rows added without JavaScript (nothing saved), and the one label every page
gives an organisation."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from coordination.models import Decision, Meeting, Organisation
from tests.coordination.test_meeting_forms import decision_row, meeting_data
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

NEW = "/coordination/meetings/new/"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _ticked(response, name: str) -> set[int]:
    return {int(value) for value in response.context["form"][name].value() or []}


def test_new_meeting_of_a_body_starts_with_its_current_members_ticked(client_for, gao_officer):
    body = BodyFactory()
    current = MembershipFactory(body=body).organisation
    MembershipFactory(
        body=body, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )  # a past member
    MembershipFactory()  # a member of another body
    guest = OrganisationFactory()

    response = client_for(gao_officer).get(NEW, {"body": body.pk})

    assert _ticked(response, "organisations") == {current.pk}
    page = response.text
    assert f'value="{current.pk}"' in page and f'value="{guest.pk}"' in page
    assert f'name="organisations" value="{current.pk}" id="id_organisations_' in page
    assert page.count(" checked") == 1


def test_new_meeting_without_a_body_ticks_no_organisation(client_for, gao_officer):
    MembershipFactory()

    response = client_for(gao_officer).get(NEW)

    assert _ticked(response, "organisations") == set()


def test_members_ticked_can_be_unticked_and_only_those_posted_attend(client_for, gao_officer):
    body = BodyFactory()
    member = MembershipFactory(body=body).organisation
    guest = OrganisationFactory()

    client_for(gao_officer).post(NEW, meeting_data(body, organisations=[guest.pk]))

    assert list(Meeting.objects.get().organisations.all()) == [guest]
    assert member not in Meeting.objects.get().organisations.all()


def test_organisations_and_staff_are_search_fields_that_work_without_javascript(
    client_for, gao_officer
):
    body = BodyFactory()
    OrganisationFactory(name="Agence française de développement", acronym="AFD")

    page = client_for(gao_officer).get(NEW, {"body": body.pk}).text

    # Without JavaScript: the plain checkboxes, in a box the script enhances.
    assert page.count("data-search-select") >= 2
    assert 'type="checkbox" name="organisations"' in page
    assert 'type="checkbox" name="attendees"' in page
    assert "AFD — Agence française de développement" in page
    assert 'src="/static/js/search-select.js" defer' in page
    assert 'src="/static/js/formset-rows.js" defer' in page


def test_attendees_and_decision_owners_are_chosen_among_active_staff(client_for, gao_officer):
    BodyFactory()
    partner = UserFactory(username="partenaire", role=Role.VIEWER)
    UserFactory(username="parti", role=Role.REGIONAL_OFFICER, is_active=False)

    response = client_for(gao_officer).get(NEW)

    attendees = {user.username for user in response.context["form"].fields["attendees"].queryset}
    owners = {
        user.username
        for user in response.context["decisions"].forms[0].fields["owner_user"].queryset
    }
    assert attendees == owners == {"gao_officer"}
    assert partner.username not in attendees


def test_a_partner_posted_as_attendee_is_refused_and_nothing_is_written(client_for, gao_officer):
    body = BodyFactory()
    partner = UserFactory(username="partenaire", role=Role.VIEWER)

    response = client_for(gao_officer).post(NEW, meeting_data(body, attendees=[partner.pk]))

    assert response.status_code == 200
    assert "attendees" in response.context["form"].errors
    assert not Meeting.objects.exists()


# --- Adding decision rows --------------------------------------------------------------


def test_add_a_row_without_javascript_shows_one_more_row_and_saves_nothing(client_for, gao_officer):
    body = BodyFactory()
    data = meeting_data(
        body, decisions=[decision_row("Réhabiliter le puits de Bourem")] + [decision_row()] * 2
    )
    data["add_row"] = "1"

    response = client_for(gao_officer).post(NEW, data)

    assert response.status_code == 200
    assert not Meeting.objects.exists() and not Decision.objects.exists()
    page = response.text
    assert 'name="decisions-TOTAL_FORMS" value="4"' in page
    assert 'name="decisions-3-text"' in page
    # What was typed stays, and nothing is called an error yet.
    assert "Réhabiliter le puits de Bourem" in page and "Gouvernorat de Gao" in page
    assert not response.context["form"].is_bound
    assert "errorlist" not in page


def test_rows_added_then_sent_record_every_filled_row(client_for, gao_officer):
    body = BodyFactory()
    rows = [decision_row(f"Décision {n}") for n in range(1, 5)] + [decision_row()]

    client_for(gao_officer).post(NEW, meeting_data(body, decisions=rows))

    assert Decision.objects.count() == 4


def test_rows_shown_again_stay_optional_when_sent_blank(client_for, gao_officer):
    """After "Add a row", the rows come back as the formset's initial ones:
    left blank, they are still ignored rather than refused."""
    body = BodyFactory()
    data = meeting_data(body, decisions=[decision_row()] * 4)
    data["decisions-INITIAL_FORMS"] = "3"

    response = client_for(gao_officer).post(NEW, data)

    assert response.status_code == 302
    assert Meeting.objects.count() == 1 and not Decision.objects.exists()


def test_the_empty_row_the_script_copies_is_in_the_page(client_for, gao_officer):
    BodyFactory()

    page = client_for(gao_officer).get(NEW).text

    assert "<template data-formset-empty>" in page
    assert 'name="decisions-__prefix__-text"' in page
    assert 'name="add_row"' in page and "data-formset-add" in page


# --- The organisation's label ----------------------------------------------------------


def test_label_is_the_acronym_and_the_name_or_the_name_alone():
    assert Organisation(name="Agence française de développement", acronym="AFD").label == (
        "AFD — Agence française de développement"
    )
    assert Organisation(name="Association Tilwat").label == "Association Tilwat"


@pytest.mark.django_db
def test_organisations_by_label_are_in_the_order_of_what_is_read_first():
    OrganisationFactory(name="Programme des Nations Unies pour le développement", acronym="PNUD")
    OrganisationFactory(name="Association Tilwat", acronym="")
    OrganisationFactory(name="Zeta", acronym="AFD")

    labels = [organisation.label for organisation in Organisation.objects.by_label()]

    assert labels == [
        "AFD — Zeta",
        "Association Tilwat",
        "PNUD — Programme des Nations Unies pour le développement",
    ]


def test_pages_show_the_acronym_with_the_name_on_hover_escaped(client_for, viewer):
    hostile = OrganisationFactory(name='<script>alert("x")</script> & Cie', acronym="<b>X</b>")
    plain = OrganisationFactory(name="Association Tilwat", acronym="")
    meeting = MeetingFactory()
    meeting.organisations.add(hostile, plain)
    DecisionFactory(meeting=meeting, owner_organisation=hostile)
    client = client_for(viewer)

    for address in (meeting.get_absolute_url(), meeting.body.get_absolute_url()):
        page = client.get(address).text
        assert "<script>alert" not in page and "<b>X</b>" not in page
    page = client.get(meeting.get_absolute_url()).text
    assert (
        '<abbr title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie">'
        "&lt;b&gt;X&lt;/b&gt;</abbr>"
    ) in page
    assert ">Association Tilwat</a>" in page

    listing = client.get("/coordination/organisations/").text
    assert "<script>alert" not in listing
    assert "&lt;b&gt;X&lt;/b&gt; — &lt;script&gt;alert" in listing
