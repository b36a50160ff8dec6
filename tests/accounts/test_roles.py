import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role


@pytest.mark.django_db
def test_every_role_has_its_group_with_view_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert {"view_region", "view_office", "view_mechanism"} <= codenames


@pytest.mark.parametrize(
    ("fixture", "role", "office"),
    [
        ("hq_user", Role.HQ_OFFICER, "Bamako"),
        ("fund_manager", Role.FUND_MANAGER, "Bamako"),
        ("gao_officer", Role.REGIONAL_OFFICER, "Gao"),
        ("mopti_officer", Role.REGIONAL_OFFICER, "Mopti"),
        ("tombouctou_head", Role.HEAD_OF_OFFICE, "Tombouctou"),
        ("viewer", Role.VIEWER, None),
        ("no_role_user", None, None),
        ("admin_user", None, None),
    ],
)
def test_role_fixture_has_its_role_and_office(request, fixture, role, office):
    user = request.getfixturevalue(fixture)

    assert user.role == role
    assert (user.office.name if user.office else None) == office


def test_head_of_office_fixture_leads_its_office(tombouctou_head):
    assert tombouctou_head.office.head == tombouctou_head
