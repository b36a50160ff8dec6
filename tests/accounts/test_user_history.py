"""Who changed a user's role, rights or details, and a project in admin, is
kept in history with its author."""

import pytest
from django.contrib.auth.models import Group
from django.forms import CheckboxInput, MultiWidget

from accounts.models import User
from accounts.roles import Role
from projects.models import Project
from tests.conftest import PASSWORD
from tests.factories import LocationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _bound_data(form) -> dict:
    """What a browser posts back for `form` left as it is."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key, value = form.add_prefix(name), form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                if part is not None:
                    data[f"{key}_{index}"] = str(part)
        elif isinstance(field.widget, CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(item, "pk", item)) for item in value]
        elif value is not None:
            data[key] = str(value)
    return data


def _admin_change_data(page) -> dict:
    """The admin change page's form and inline forms, as they would be posted."""
    data = _bound_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_bound_data(formset.management_form))
        for form in formset.forms:
            data.update(_bound_data(form))
    return data


def _group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


def _groups_of(record) -> set[str]:
    return set(record.groups.values_list("group__name", flat=True))


def test_role_change_in_admin_is_one_record_by_the_administrator(client_for, admin_user):
    person = UserFactory(username="aminata", role=Role.VIEWER)
    client = client_for(admin_user)
    url = f"/admin/accounts/user/{person.pk}/change/"
    data = _admin_change_data(client.get(url))
    data["groups"] = [str(_group(Role.HQ_OFFICER).pk)]
    records_before = person.history.count()

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(person.groups.values_list("name", flat=True)) == {"hq_officer"}
    # One save in admin, one record: the groups as saved, and who saved them.
    assert person.history.count() == records_before + 1
    latest = person.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == admin_user
    assert _groups_of(latest) == {"hq_officer"}
    assert _groups_of(latest.prev_record) == {"viewer"}


def test_administrator_status_given_in_admin_is_recorded(client_for, admin_user):
    person = UserFactory(username="moussa", role=Role.VIEWER)
    client = client_for(admin_user)
    url = f"/admin/accounts/user/{person.pk}/change/"
    data = _admin_change_data(client.get(url))
    data.update(is_staff="on", is_superuser="on")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors

    latest = person.history.latest()
    assert (latest.is_staff, latest.is_superuser) == (True, True)
    assert (latest.prev_record.is_staff, latest.prev_record.is_superuser) == (False, False)
    assert latest.history_user == admin_user


def test_user_created_in_admin_is_recorded_with_their_role(client_for, admin_user):
    response = client_for(admin_user).post(
        "/admin/accounts/user/add/",
        {
            "username": "fatoumata",
            "password1": "Une-longue-phrase-2026",
            "password2": "Une-longue-phrase-2026",
            "usable_password": "true",
            "email": "fatoumata@example.org",
            "groups": [str(_group(Role.FUND_MANAGER).pk)],
            "language": "fr",
        },
    )

    assert response.status_code == 302
    person = User.objects.get(username="fatoumata")
    record = person.history.get()
    assert record.history_type == "+"
    assert record.history_user == admin_user
    assert _groups_of(record) == {"fund_manager"}


def test_role_change_in_code_is_recorded_with_its_author(admin_user):
    person = UserFactory(username="ibrahim", role=Role.VIEWER)
    last = person.history.latest().history_id

    person._history_user = admin_user
    person.groups.set([_group(Role.REGIONAL_OFFICER)])

    # One record for the group removed, one for the group added: both by the administrator.
    new_records = person.history.filter(history_id__gt=last).order_by("history_id")
    assert [record.history_user for record in new_records] == [admin_user, admin_user]
    assert [_groups_of(record) for record in new_records] == [set(), {"regional_officer"}]


def test_role_given_from_the_groups_side_is_recorded_on_the_user(admin_user):
    person = UserFactory(username="oumar")
    group = _group(Role.HQ_OFFICER)

    group._history_user = admin_user
    group.user_set.add(person)

    latest = person.history.latest()
    assert latest.history_user == admin_user
    assert _groups_of(latest) == {"hq_officer"}

    group.user_set.clear()

    assert _groups_of(person.history.latest()) == set()


def test_signing_in_makes_no_history_record(client):
    person = UserFactory(username="kadiatou", role=Role.VIEWER)
    records = person.history.count()

    response = client.post(
        "/accounts/login/", {"username": "kadiatou", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.last_login is not None
    assert person.history.count() == records


def test_history_keeps_rights_but_no_secrets():
    history = User.history.model
    tracked = {field.name for field in history.tracked_fields}

    assert {"password", "calendar_token", "last_login"}.isdisjoint(tracked)
    assert {"is_staff", "is_superuser", "is_active", "office", "username"} <= tracked
    assert {field.name for field in history._history_m2m_fields} == {"groups", "user_permissions"}


def test_project_edited_in_admin_is_recorded_with_the_administrator(client_for, admin_user):
    project = ProjectFactory(title="Forage de Bourem")
    LocationFactory(project=project)
    client = client_for(admin_user)
    url = f"/admin/projects/project/{project.pk}/change/"
    data = _admin_change_data(client.get(url))
    data["title"] = "Forage et château d'eau de Bourem"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = Project.history.filter(id=project.pk).latest()
    assert latest.title == "Forage et château d'eau de Bourem"
    assert latest.history_user == admin_user
    assert latest.prev_record.title == "Forage de Bourem"


def test_admin_shows_a_users_history(client_for, admin_user):
    person = UserFactory(username="awa", role=Role.VIEWER)
    person._history_user = admin_user
    person.groups.set([_group(Role.FUND_MANAGER)])

    response = client_for(admin_user).get(f"/admin/accounts/user/{person.pk}/history/")

    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert records[0].history_user == admin_user
    assert f"/admin/accounts/user/{admin_user.pk}/change/" in response.text  # its author, linked
