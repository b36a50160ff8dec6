"""Who may do what with plan updates: every role, every action, on an update
of a region their office covers and of regions it does not. An update not yet
approved is read by headquarters and the region's office only (the others do
not find it, `reviews.visibility`); an approved one by everyone signed in."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from regions.models import PlanUpdate, PriorityProgress, Region, RegionalPlan
from reviews import services as review
from reviews.models import ReviewEvent
from tests.factories import PlanFactory, PlanUpdateFactory, PriorityProgressFactory, UserFactory

USERS = [
    "hq_user",
    "gao_officer",
    "mopti_officer",
    "tombouctou_head",
    "fund_manager",
    "viewer",
    "admin_user",
]
# Gao's office covers ML-7, Mopti's ML-5, Tombouctou's ML-6; HQ edits everywhere.
EDITORS = {
    "ML-7": {"hq_user", "gao_officer"},
    "ML-5": {"hq_user", "mopti_officer"},
    "ML-6": {"hq_user", "tombouctou_head"},
}
REVIEWERS = {"hq_user"}
# Who reads an update not yet approved: the region's office and headquarters.
DRAFT_READERS = {
    code: editors | {"fund_manager", "admin_user"} for code, editors in EDITORS.items()
}


@pytest.fixture
def media_root(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _update(code: str, *, submitted: bool = False) -> PlanUpdate:
    plan = PlanFactory(region=Region.objects.get(code=code), status=RegionalPlan.Status.VALIDATED)
    update = PriorityProgressFactory(update=PlanUpdateFactory(plan=plan)).update
    if submitted:
        # Submitted by a colleague: whoever reviews it is not its submitter.
        review.submit(update, by=UserFactory(role=Role.REGIONAL_OFFICER))
    return update


def _form(update: PlanUpdate) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "period_start": "2024-04-01",
        "period_end": "2024-06-30",
        "narrative": "Écrit par le test.",
        "risks": "",
        "access_constraints": "",
    }
    for row in update.progress.all():
        data[f"progress_{row.priority_id}_status"] = PriorityProgress.Status.DELAYED
        data[f"progress_{row.priority_id}_narrative"] = ""
    return data


def _create(client, code):
    update = _update(code)
    before = PlanUpdate.objects.count()
    response = client.post(f"/plans/{update.plan.pk}/updates/new/", _form(update))
    return response, PlanUpdate.objects.count() == before + 1


def _edit(client, code):
    update = _update(code)
    response = client.post(f"/plans/updates/{update.pk}/edit/", _form(update))
    update.refresh_from_db()
    return response, update.narrative == "Écrit par le test."


def _submit(client, code):
    update = _update(code)
    response = client.post(f"/plans/updates/{update.pk}/submit/")
    update.refresh_from_db()
    return response, update.review_status == "submitted"


def _approve(client, code):
    update = _update(code, submitted=True)
    response = client.post(f"/plans/updates/{update.pk}/approve/")
    update.refresh_from_db()
    return response, update.review_status == "approved"


def _return(client, code):
    update = _update(code, submitted=True)
    response = client.post(f"/plans/updates/{update.pk}/return/", {"comment": "À compléter."})
    update.refresh_from_db()
    return response, update.review_status == "returned"


def _upload(client, code):
    update = _update(code)
    upload = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n" + b"0" * 100)
    response = client.post(f"/plans/updates/{update.pk}/attachments/new/", {"file": upload})
    return response, update.attachments.exists()


ACTIONS = {
    "create": (_create, EDITORS),
    "edit": (_edit, EDITORS),
    "submit": (_submit, EDITORS),
    "approve": (_approve, dict.fromkeys(EDITORS, REVIEWERS)),
    "return": (_return, dict.fromkeys(EDITORS, REVIEWERS)),
    "upload": (_upload, EDITORS),
}


@pytest.mark.parametrize("code", sorted(EDITORS))
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("user", USERS)
def test_permission_matrix(request, client_for, media_root, user, action, code):
    client = client_for(request.getfixturevalue(user))
    perform, allowed = ACTIONS[action]
    events_before = ReviewEvent.objects.count()

    response, changed = perform(client, code)

    if user in allowed[code]:
        assert response.status_code == 302
        assert changed
    else:
        assert response.status_code == 403
        assert not changed
        if action in ("approve", "return"):
            assert ReviewEvent.objects.count() == events_before + 1  # the colleague's submit
        else:
            assert ReviewEvent.objects.count() == events_before
        assert not list(media_root.iterdir())


@pytest.mark.parametrize("code", sorted(EDITORS))
@pytest.mark.parametrize("user", USERS)
def test_a_draft_update_is_read_by_hq_and_the_regions_office_only(
    request, client_for, db, user, code
):
    update = _update(code)

    response = client_for(request.getfixturevalue(user)).get(f"/plans/updates/{update.pk}/")

    if user not in DRAFT_READERS[code]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response.context["can_edit"] == (user in EDITORS[code])
    edit_url = f"/plans/updates/{update.pk}/edit/"
    assert (edit_url in response.text) == (user in EDITORS[code])


@pytest.mark.parametrize("code", sorted(EDITORS))
@pytest.mark.parametrize("user", USERS)
def test_an_approved_update_is_read_by_every_signed_in_user(request, client_for, db, user, code):
    update = _update(code)
    PlanUpdate.objects.filter(pk=update.pk).update(review_status="approved")

    response = client_for(request.getfixturevalue(user)).get(f"/plans/updates/{update.pk}/")

    assert response.status_code == 200
    assert not response.context["can_edit"]
    assert f"/plans/updates/{update.pk}/edit/" not in response.text


@pytest.mark.parametrize("user", USERS)
def test_only_other_hq_officers_see_the_review_forms(request, client_for, db, user):
    update = _update("ML-7", submitted=True)

    page = client_for(request.getfixturevalue(user)).get(f"/plans/updates/{update.pk}/").text

    assert (f'action="/plans/updates/{update.pk}/approve/"' in page) == (user in REVIEWERS)
    assert (f'action="/plans/updates/{update.pk}/return/"' in page) == (user in REVIEWERS)


@pytest.mark.parametrize("user", ["gao_officer", "viewer"])
def test_outsiders_get_403_on_the_forms_of_another_region(request, client_for, db, user):
    update = _update("ML-5")
    client = client_for(request.getfixturevalue(user))

    assert client.get(f"/plans/{update.plan.pk}/updates/new/").status_code == 403
    assert client.get(f"/plans/updates/{update.pk}/edit/").status_code == 403
    assert client.get(f"/plans/updates/{update.pk}/attachments/new/").status_code == 403
