"""Who may do what with meetings: every role, every action, on a body of a
region their office covers ("own"), of another region ("other") and on a
national body. A refusal writes nothing."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coordination.models import Decision, Meeting, MeetingDocument
from regions.models import Region
from tests.factories import BodyFactory, MeetingFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The region each role counts as its own, and one that is not.
OWN = {
    "hq_user": "ML-7",
    "gao_officer": "ML-7",
    "mopti_officer": "ML-5",
    "tombouctou_head": "ML-6",
    "fund_manager": "ML-7",
    "viewer": "ML-7",
    "admin_user": "ML-7",
}
OTHER = {"gao_officer": "ML-5", "mopti_officer": "ML-7", "tombouctou_head": "ML-7"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _starts_at() -> str:
    return (timezone.localtime() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


# Each action: set up what it needs on `body`, make the request, and return
# (response, whether the database changed). Reads change nothing.


def view(client, body):
    return client.get(f"/coordination/meetings/{MeetingFactory(body=body).pk}/"), False


def download(client, body):
    meeting = MeetingFactory(body=body)
    document = MeetingDocument.objects.create(
        meeting=meeting,
        file=SimpleUploadedFile("cr.pdf", PDF),
        original_name="cr.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=meeting.created_by,
    )
    return client.get(f"/coordination/meetings/documents/{document.pk}/"), False


def create(client, body):
    data = {
        "token": uuid.uuid4(),
        "body": body.pk,
        "starts_at": _starts_at(),
        "place": "Nouvelle réunion",
        "decisions-TOTAL_FORMS": "1",
        "decisions-INITIAL_FORMS": "0",
        "decisions-0-text": "Décision",
        "decisions-0-status": "open",
    }
    response = client.post("/coordination/meetings/new/", data)
    return response, Meeting.objects.filter(place="Nouvelle réunion").exists()


def edit(client, body):
    meeting = MeetingFactory(body=body)
    data = {"body": body.pk, "starts_at": _starts_at(), "place": "Lieu modifié"}
    response = client.post(f"/coordination/meetings/{meeting.pk}/edit/", data)
    return response, Meeting.objects.get(pk=meeting.pk).place == "Lieu modifié"


def add_decision(client, body):
    meeting = MeetingFactory(body=body)
    data = {"text": "Relancer les partenaires", "status": "open"}
    response = client.post(f"/coordination/meetings/{meeting.pk}/decisions/new/", data)
    return response, Decision.objects.filter(meeting=meeting).exists()


def upload(client, body):
    meeting = MeetingFactory(body=body)
    data = {"title": "CR", "file": SimpleUploadedFile("cr.pdf", PDF, "application/pdf")}
    response = client.post(f"/coordination/meetings/{meeting.pk}/documents/new/", data)
    return response, MeetingDocument.objects.filter(meeting=meeting).exists()


ACTIONS = [view, download, create, edit, add_decision, upload]

OK = "done"  # 200 for a read, 302 and the change made for a write
FORM_ERROR = "refused by the form"  # 200, the form shows an error, nothing written
DENIED = "forbidden"  # 403, nothing written
R, E, D = OK, FORM_ERROR, DENIED

# fmt: off
MATRIX = [
    # role              scope       view download create edit decision upload
    ("hq_user",         "own",      R,   R,       R,     R,   R,       R),
    ("hq_user",         "other",    R,   R,       R,     R,   R,       R),
    ("hq_user",         "national", R,   R,       R,     R,   R,       R),
    ("gao_officer",     "own",      R,   R,       R,     R,   R,       R),
    ("gao_officer",     "other",    R,   R,       E,     D,   D,       D),
    ("gao_officer",     "national", R,   R,       E,     D,   D,       D),
    ("mopti_officer",   "own",      R,   R,       R,     R,   R,       R),
    ("mopti_officer",   "other",    R,   R,       E,     D,   D,       D),
    ("tombouctou_head", "own",      R,   R,       R,     R,   R,       R),
    ("tombouctou_head", "other",    R,   R,       E,     D,   D,       D),
    ("tombouctou_head", "national", R,   R,       E,     D,   D,       D),
    ("fund_manager",    "own",      R,   R,       D,     D,   D,       D),
    ("fund_manager",    "national", R,   R,       D,     D,   D,       D),
    ("viewer",          "own",      R,   R,       D,     D,   D,       D),
    ("viewer",          "national", R,   R,       D,     D,   D,       D),
    ("admin_user",      "own",      R,   R,       D,     D,   D,       D),
    ("admin_user",      "national", R,   R,       D,     D,   D,       D),
]
# fmt: on
CASES = [
    pytest.param(role, scope, action, expected, id=f"{role}-{scope}-{action.__name__}")
    for role, scope, *outcomes in MATRIX
    for action, expected in zip(ACTIONS, outcomes, strict=True)
]


@pytest.mark.parametrize(("role", "scope", "action", "expected"), CASES)
def test_meeting_permission_matrix(db, request, client_for, role, scope, action, expected):
    # Every role has a body in its own region: the officers of other regions
    # reach the new meeting form, and are refused the body they post.
    own_body = BodyFactory(region=Region.objects.get(code=OWN[role]))
    if scope == "own":
        body = own_body
    elif scope == "other":
        body = BodyFactory(region=Region.objects.get(code=OTHER.get(role, "ML-5")))
    else:
        body = BodyFactory(region=None)
    client = client_for(request.getfixturevalue(role))

    response, written = action(client, body)

    if expected == OK and action in (view, download):
        assert response.status_code == 200
    elif expected == OK:
        assert response.status_code == 302
        assert written
    elif expected == FORM_ERROR:
        assert response.status_code == 200
        assert "errorlist" in response.text
        assert list(response.context["form"].errors) == ["body"]
        assert not written
    else:
        assert response.status_code == 403
        assert not written


@pytest.mark.parametrize(
    "path",
    [
        "/coordination/meetings/new/",
        "/coordination/meetings/{pk}/edit/",
        "/coordination/meetings/{pk}/decisions/new/",
        "/coordination/meetings/{pk}/documents/new/",
    ],
)
@pytest.mark.parametrize("fixture", ["viewer", "fund_manager", "admin_user"])
def test_read_only_roles_are_refused_even_the_form_pages(db, request, client_for, fixture, path):
    meeting = MeetingFactory()

    response = client_for(request.getfixturevalue(fixture)).get(path.format(pk=meeting.pk))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/coordination/meetings/{pk}/edit/",
        "/coordination/meetings/{pk}/decisions/new/",
        "/coordination/meetings/{pk}/documents/new/",
    ],
)
def test_officer_of_another_region_is_refused_the_form_pages(client_for, mopti_officer, path):
    meeting = MeetingFactory()

    assert client_for(mopti_officer).get(path.format(pk=meeting.pk)).status_code == 403


def test_officer_whose_regions_have_no_body_cannot_record_meetings(client_for, gao_officer):
    BodyFactory(region=Region.objects.get(code="ML-5"))
    BodyFactory(region=None)

    assert client_for(gao_officer).get("/coordination/meetings/new/").status_code == 403


def test_officer_of_an_office_covering_two_regions_manages_both(client_for, gao_officer):
    menaka = MeetingFactory(body=BodyFactory(region=Region.objects.get(code="ML-9")))

    response = client_for(gao_officer).get(f"/coordination/meetings/{menaka.pk}/edit/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/coordination/meetings/{pk}/edit/",
        "/coordination/meetings/{pk}/decisions/new/",
        "/coordination/meetings/{pk}/documents/new/",
    ],
)
def test_managing_an_unknown_meeting_is_a_404(client_for, hq_user, path):
    assert client_for(hq_user).get(path.format(pk=999999)).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/coordination/meetings/", "/coordination/meetings/{pk}/", "/coordination/calendar/"],
)
def test_read_pages_refuse_writes(client_for, hq_user, path):
    meeting = MeetingFactory()

    assert client_for(hq_user).post(path.format(pk=meeting.pk)).status_code == 405
