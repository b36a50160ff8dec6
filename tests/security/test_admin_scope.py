"""Django admin is for administrators (active staff superusers) only.

Its pages are not scoped by region or role: model permissions say which
models a person may see or change, never which rows. So rather than scoping
each model admin, the portal keeps everyone else out of admin altogether
(`accounts.admin_site`), whatever their staff status or permissions, and the
user form of admin gives staff status only with superuser status. A regional
officer who was made staff anyway, with their role's permissions or more,
reaches no admin page and changes nothing there."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.forms import CheckboxInput, MultiWidget

from accounts.models import User
from accounts.roles import Role
from regions.models import Office, Region, RegionalPlan
from tests.conftest import PASSWORD
from tests.factories import (
    DecisionFactory,
    PlanFactory,
    PlanUpdateFactory,
    ProjectFactory,
    UserFactory,
)
from tooling.management.commands.seed_demo import DEMO_USERS

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next="


@pytest.fixture
def staff_gao_officer(db):
    """A Gao regional officer given staff status, with their role's model
    permissions (those of the regional officer group: viewing every model)."""
    return UserFactory(
        username="staff_gao_officer",
        role=Role.REGIONAL_OFFICER,
        office=Office.objects.get(name="Gao"),
        is_staff=True,
    )


@pytest.fixture
def records(db):
    """A plan, a plan update, a project and a body with a meeting and a
    decision, in Gao (the officer's region) and in Mopti (not theirs)."""
    made = {}
    for variant, code in (("gao", "ML-7"), ("mopti", "ML-5")):
        region = Region.objects.get(code=code)
        plan = PlanFactory(region=region, title=f"Plan secret {variant}")
        decision = DecisionFactory(meeting__body__region=region)
        made[variant] = {
            "regions/regionalplan": plan,
            "regions/planupdate": PlanUpdateFactory(
                plan=PlanFactory(
                    region=region,
                    status=RegionalPlan.Status.VALIDATED,
                    period_start=datetime.date(2026, 1, 1),
                    period_end=datetime.date(2026, 12, 31),
                )
            ),
            "projects/project": ProjectFactory(region=region),
            "coordination/coordinationbody": decision.meeting.body,
            "coordination/meeting": decision.meeting,
            "coordination/decision": decision,
        }
    return made


def _admin_urls(records) -> list[str]:
    urls = ["/admin/", "/admin/regions/"]
    for variant in records.values():
        for model, record in variant.items():
            urls += [
                f"/admin/{model}/",
                f"/admin/{model}/{record.pk}/change/",
                f"/admin/{model}/{record.pk}/history/",
                f"/admin/{model}/{record.pk}/delete/",
            ]
    return urls


def test_the_role_permissions_of_a_regional_officer_include_viewing_in_admin(staff_gao_officer):
    # What the site refuses below, model permissions alone would allow: the
    # officer's role views every region's plans and projects.
    assert staff_gao_officer.has_perm("regions.view_regionalplan")
    assert staff_gao_officer.has_perm("projects.view_project")


def test_a_staff_regional_officer_reaches_no_admin_page(client_for, staff_gao_officer, records):
    client = client_for(staff_gao_officer)

    for url in _admin_urls(records):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ADMIN_LOGIN), url
    assert "Plan secret" not in client.get("/admin/regions/regionalplan/", follow=True).text


@pytest.mark.parametrize("variant", ["gao", "mopti"])
def test_a_staff_regional_officer_with_change_permissions_changes_nothing_in_admin(
    client_for, staff_gao_officer, records, variant
):
    staff_gao_officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_regionalplan", "delete_regionalplan"])
    )
    plan = records[variant]["regions/regionalplan"]
    client = client_for(staff_gao_officer)

    changed = client.post(
        f"/admin/regions/regionalplan/{plan.pk}/change/", {"title": "Changé depuis admin"}
    )
    deleted = client.post(f"/admin/regions/regionalplan/{plan.pk}/delete/", {"post": "yes"})

    assert changed.status_code == deleted.status_code == 302
    assert changed["Location"].startswith(ADMIN_LOGIN)
    plan.refresh_from_db()
    assert plan.title == f"Plan secret {variant}"


def test_signing_in_to_admin_as_staff_without_superuser_status_opens_nothing(
    client, staff_gao_officer
):
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff_gao_officer.username, "password": PASSWORD},
    )

    # Django's form accepts staff, then the site refuses them.
    assert signed_in.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(ADMIN_LOGIN)


@pytest.mark.parametrize(
    "fixture",
    ["hq_user", "gao_officer", "mopti_officer", "tombouctou_head", "fund_manager", "viewer"],
)
def test_portal_roles_reach_no_admin_page(request, client_for, fixture, records):
    client = client_for(request.getfixturevalue(fixture))

    for url in _admin_urls(records)[:6]:
        assert client.get(url)["Location"].startswith(ADMIN_LOGIN), url


def test_an_administrator_sees_every_regions_records(client_for, admin_user, records):
    client = client_for(admin_user)

    # (Deleting is another matter: reviewed items are never deleted.)
    for url in _admin_urls(records):
        if not url.endswith("/delete/"):
            assert client.get(url).status_code == 200, url


# --- Staff status goes with superuser status ----------------------------------------------


def _posted_back(form) -> dict:
    """What a browser sends back for the admin form `form` left as it is."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                if part is not None:
                    data[f"{name}_{index}"] = str(part)
        elif isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        elif value is not None:
            data[name] = str(value)
    return data


def _user_form(client, person: User) -> tuple[str, dict]:
    url = f"/admin/accounts/user/{person.pk}/change/"
    return url, _posted_back(client.get(url).context["adminform"].form)


def test_admin_refuses_staff_status_without_superuser_status(client_for, admin_user, gao_officer):
    client = client_for(admin_user)
    url, data = _user_form(client, gao_officer)
    data["is_staff"] = "on"

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    gao_officer.refresh_from_db()
    assert not gao_officer.is_staff


def test_admin_gives_staff_status_with_superuser_status(client_for, admin_user, viewer):
    client = client_for(admin_user)
    url, data = _user_form(client, viewer)
    data.update(is_staff="on", is_superuser="on")

    response = client.post(url, data)

    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.is_staff and viewer.is_superuser
    assert client_for(viewer).get("/admin/").status_code == 200


def test_admin_still_saves_a_portal_user_without_staff_status(client_for, admin_user, viewer):
    client = client_for(admin_user)
    url, data = _user_form(client, viewer)
    data["first_name"] = "Claire"

    assert client.post(url, data).status_code == 302
    viewer.refresh_from_db()
    assert viewer.first_name == "Claire"


def test_the_demo_administrators_are_the_only_staff_and_are_superusers():
    staff = [(name, superuser) for name, *_rest, is_staff, superuser in DEMO_USERS if is_staff]

    assert staff == [("admin", True)]
