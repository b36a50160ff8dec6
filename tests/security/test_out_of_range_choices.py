"""A choice of rows posted with a number no key column can hold
(`cercles=99999999999999999999`) is refused on the form like any unknown
choice, instead of the database driver's overflow error (a server error)."""

import pytest
from django.conf import settings

from coordination.models import Meeting
from projects.models import Project
from tests.coordination.test_meeting_forms import edit_data, meeting_data
from tests.factories import BodyFactory, MeetingFactory
from tests.projects.test_project_forms import project_data

HUGE = "99999999999999999999"
NOT_AN_INTEGER = "1e5"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _refused_as_unknown_choice(response, field: str) -> bool:
    # The standard "Select a valid choice" error, or the form's own wording of it.
    return response.context["form"].has_error(field, code="invalid_choice")


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, NOT_AN_INTEGER])
@pytest.mark.parametrize("field", ["cercles", "region", "mechanism", "priority"])
def test_project_form_refuses_a_key_out_of_range(client_for, gao_officer, field, value):
    posted = [value] if field == "cercles" else value

    response = client_for(gao_officer).post("/projects/new/", project_data(**{field: posted}))

    assert response.status_code == 200
    assert _refused_as_unknown_choice(response, field)
    assert not Project.objects.exists()


@pytest.mark.parametrize("field", ["attendees", "organisations"])
def test_meeting_edit_form_refuses_a_key_out_of_range(client_for, gao_officer, field):
    meeting = MeetingFactory()
    before = meeting.place

    response = client_for(gao_officer).post(
        f"/coordination/meetings/{meeting.pk}/edit/",
        edit_data(meeting, place="Changed", **{field: [HUGE]}),
    )

    assert response.status_code == 200
    assert _refused_as_unknown_choice(response, field)
    meeting.refresh_from_db()
    assert meeting.place == before


@pytest.mark.parametrize("field", ["attendees", "organisations", "body"])
def test_meeting_create_form_refuses_a_key_out_of_range(client_for, gao_officer, field):
    body = BodyFactory()
    posted = HUGE if field == "body" else [HUGE]

    response = client_for(gao_officer).post(
        "/coordination/meetings/new/", meeting_data(body) | {field: posted}
    )

    assert response.status_code == 200
    assert _refused_as_unknown_choice(response, field)
    assert not Meeting.objects.exists()
