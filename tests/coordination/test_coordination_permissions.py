"""Who may do what in coordination: every role, every action, on a national
body, a body of a region their office covers ("own") and of one it does not
("other"). A refusal writes nothing."""

import datetime

import pytest

from coordination.models import CoordinationBody, Decision, Membership, Organisation
from regions.models import Region
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
)

# The region each role counts as its own, and one that is not. Gao's office
# also covers Ménaka, Tombouctou's also Taoudénit.
OWN = {"gao_officer": "ML-9", "mopti_officer": "ML-5", "tombouctou_head": "ML-10"}
OTHER = {"gao_officer": "ML-5", "mopti_officer": "ML-7", "tombouctou_head": "ML-7"}
ROLES = [
    "hq_user",
    "gao_officer",
    "mopti_officer",
    "tombouctou_head",
    "fund_manager",
    "viewer",
    "admin_user",
]


def _region(role: str, scope: str) -> Region | None:
    if scope == "national":
        return None
    code = OWN.get(role, "ML-7") if scope == "own" else OTHER.get(role, "ML-5")
    return Region.objects.get(code=code)


# Each action: set up what it needs for a body of `region` (None: national),
# make the request, and return (response, whether the database changed).


def create_body(client, region):
    data = {
        "name": "Nouveau comité",
        "kind": "regional_committee",
        "region": region.pk if region else "",
    }
    response = client.post("/coordination/bodies/new/", data)
    return response, CoordinationBody.objects.filter(name="Nouveau comité").exists()


def edit_body(client, region):
    body = BodyFactory(region=region, name="Nom initial")
    data = {"name": "Nom modifié", "kind": body.kind, "region": region.pk if region else ""}
    response = client.post(f"/coordination/bodies/{body.pk}/edit/", data)
    return response, CoordinationBody.objects.filter(name="Nom modifié").exists()


def add_member(client, region):
    body = BodyFactory(region=region)
    data = {"organisation": OrganisationFactory().pk, "role": "member"}
    response = client.post(f"/coordination/bodies/{body.pk}/members/new/", data)
    return response, body.memberships.exists()


def end_member(client, region):
    membership = MembershipFactory(body=BodyFactory(region=region))
    response = client.post(f"/coordination/members/{membership.pk}/end/", {"end_date": ""})
    return response, Membership.objects.get(pk=membership.pk).end_date is not None


def change_status(client, region):
    decision = DecisionFactory(meeting=MeetingFactory(body=BodyFactory(region=region)))
    data = {"status": "done", "comment": "Réalisé."}
    response = client.post(f"/coordination/decisions/{decision.pk}/status/", data)
    return response, Decision.objects.get(pk=decision.pk).status == "done"


BODY_ACTIONS = [create_body, edit_body, add_member, end_member, change_status]

OK = "done"  # 302 and the change made
FORM_ERROR = "refused by the form"  # 200, the form shows an error, nothing written
DENIED = "forbidden"  # 403, nothing written
R, E, D = OK, FORM_ERROR, DENIED

# fmt: off
BODY_MATRIX = [
    # role              scope       create edit member end status
    ("hq_user",         "national", R,     R,   R,     R,  R),
    ("hq_user",         "own",      R,     R,   R,     R,  R),
    ("hq_user",         "other",    R,     R,   R,     R,  R),
    ("gao_officer",     "national", E,     D,   D,     D,  D),
    ("gao_officer",     "own",      R,     R,   R,     R,  R),
    ("gao_officer",     "other",    E,     D,   D,     D,  D),
    ("mopti_officer",   "national", E,     D,   D,     D,  D),
    ("mopti_officer",   "own",      R,     R,   R,     R,  R),
    ("mopti_officer",   "other",    E,     D,   D,     D,  D),
    ("tombouctou_head", "national", E,     D,   D,     D,  D),
    ("tombouctou_head", "own",      R,     R,   R,     R,  R),
    ("tombouctou_head", "other",    E,     D,   D,     D,  D),
    ("fund_manager",    "national", D,     D,   D,     D,  D),
    ("fund_manager",    "own",      D,     D,   D,     D,  D),
    ("viewer",          "national", D,     D,   D,     D,  D),
    ("viewer",          "own",      D,     D,   D,     D,  D),
    ("admin_user",      "national", D,     D,   D,     D,  D),
    ("admin_user",      "own",      D,     D,   D,     D,  D),
]
# fmt: on
BODY_CASES = [
    pytest.param(role, scope, action, expected, id=f"{role}-{scope}-{action.__name__}")
    for role, scope, *outcomes in BODY_MATRIX
    for action, expected in zip(BODY_ACTIONS, outcomes, strict=True)
]


def _check(response, written, expected):
    if expected == OK:
        assert response.status_code == 302
        assert written
    elif expected == FORM_ERROR:
        assert response.status_code == 200
        assert "errorlist" in response.text
        assert not written
    else:
        assert response.status_code == 403
        assert not written


@pytest.mark.parametrize(("role", "scope", "action", "expected"), BODY_CASES)
def test_body_permission_matrix(db, request, client_for, role, scope, action, expected):
    client = client_for(request.getfixturevalue(role))

    response, written = action(client, _region(role, scope))

    _check(response, written, expected)


def create_organisation(client):
    data = {"name": "Nouvelle organisation", "kind": "ngo", "country": "ML"}
    response = client.post("/coordination/organisations/new/", data)
    return response, Organisation.objects.filter(name="Nouvelle organisation").exists()


def edit_organisation(client):
    organisation = OrganisationFactory(name="Nom initial")
    data = {"name": "Nom modifié", "kind": "ngo", "is_active": "on"}
    response = client.post(f"/coordination/organisations/{organisation.pk}/edit/", data)
    return response, Organisation.objects.filter(name="Nom modifié").exists()


@pytest.mark.parametrize("action", [create_organisation, edit_organisation])
@pytest.mark.parametrize("role", ROLES)
def test_only_headquarters_creates_and_edits_organisations(db, request, client_for, role, action):
    client = client_for(request.getfixturevalue(role))

    response, written = action(client)

    _check(response, written, OK if role == "hq_user" else DENIED)


@pytest.mark.parametrize("role", ROLES)
def test_everybody_signed_in_reads_every_coordination_page(db, request, client_for, role):
    body = BodyFactory(region=None)
    membership = MembershipFactory(body=body)
    decision = DecisionFactory(meeting=MeetingFactory(body=body))
    client = client_for(request.getfixturevalue(role))

    for url in (
        "/coordination/",
        "/coordination/organisations/",
        membership.organisation.get_absolute_url(),
        body.get_absolute_url(),
        "/coordination/decisions/",
        decision.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "path",
    [
        "/coordination/organisations/new/",
        "/coordination/organisations/{organisation}/edit/",
        "/coordination/bodies/new/",
        "/coordination/bodies/{body}/edit/",
        "/coordination/bodies/{body}/members/new/",
        "/coordination/members/{membership}/end/",
    ],
)
@pytest.mark.parametrize("role", ["viewer", "fund_manager"])
def test_read_only_users_are_refused_even_the_form_pages(db, request, client_for, role, path):
    membership = MembershipFactory()
    url = path.format(
        organisation=membership.organisation_id, body=membership.body_id, membership=membership.pk
    )

    assert client_for(request.getfixturevalue(role)).get(url).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/coordination/bodies/{body}/edit/",
        "/coordination/bodies/{body}/members/new/",
        "/coordination/members/{membership}/end/",
    ],
)
def test_officer_of_another_region_is_refused_the_form_pages(client_for, mopti_officer, path):
    membership = MembershipFactory(start_date=datetime.date(2024, 1, 1))
    url = path.format(body=membership.body_id, membership=membership.pk)

    assert client_for(mopti_officer).get(url).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/coordination/organisations/999999/edit/",
        "/coordination/bodies/999999/edit/",
        "/coordination/bodies/999999/members/new/",
        "/coordination/members/999999/end/",
    ],
)
def test_unknown_records_are_404_for_those_who_could_manage_them(client_for, hq_user, path):
    assert client_for(hq_user).get(path).status_code == 404
