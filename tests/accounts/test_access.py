import pytest

from accounts import access
from regions import access as region_access
from regions.models import Region

ALL_REGIONS = {"ML-1", "ML-2", "ML-3", "ML-4", "ML-5", "ML-6", "ML-7", "ML-8", "ML-9", "ML-10"}
ALL_REGIONS.add("ML-BKO")


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("fixture", "regions"),
    [
        ("hq_user", ALL_REGIONS),
        ("gao_officer", {"ML-7", "ML-9"}),
        ("mopti_officer", {"ML-5"}),
        ("tombouctou_head", {"ML-6", "ML-10"}),
        ("fund_manager", set()),
        ("viewer", set()),
        ("no_role_user", set()),
        ("admin_user", set()),
    ],
)
def test_editable_regions_follow_role_and_office(request, fixture, regions):
    user = request.getfixturevalue(fixture)

    assert codes(region_access.editable_regions(user)) == regions


@pytest.mark.parametrize(
    ("fixture", "review", "money", "read_only"),
    [
        ("hq_user", True, False, False),
        ("gao_officer", False, False, False),
        ("tombouctou_head", False, False, False),
        ("fund_manager", False, True, False),
        ("viewer", False, False, True),
        ("no_role_user", False, False, True),
        ("admin_user", False, True, True),
    ],
)
def test_review_and_money_rights_follow_role(request, fixture, review, money, read_only):
    user = request.getfixturevalue(fixture)

    assert access.can_review(user) is review
    assert access.can_manage_money(user) is money
    assert access.is_read_only(user) is read_only


def test_regional_officer_may_edit_own_region_not_another(gao_officer):
    assert region_access.can_edit_region(gao_officer, Region.objects.get(code="ML-7"))
    assert region_access.can_edit_region(gao_officer, Region.objects.get(code="ML-9"))
    assert not region_access.can_edit_region(gao_officer, Region.objects.get(code="ML-5"))


def test_office_coverage_is_data_not_code(gao_officer):
    gao_office = gao_officer.office
    gao_office.regions.add(Region.objects.get(code="ML-8"))

    assert region_access.can_edit_region(gao_officer, Region.objects.get(code="ML-8"))


def test_deactivated_officer_edits_nothing(gao_officer):
    gao_officer.is_active = False
    gao_officer.save()

    assert codes(region_access.editable_regions(gao_officer)) == set()
    assert access.role_of(gao_officer) is None


def test_regional_officer_without_office_edits_nothing(gao_officer):
    gao_officer.office = None
    gao_officer.save()

    assert codes(region_access.editable_regions(gao_officer)) == set()


def test_anonymous_user_has_no_rights():
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert access.role_of(anonymous) is None
    assert not access.can_review(anonymous)
    assert not access.can_manage_money(anonymous)
