"""Who may manage what in coordination. Everyone signed in reads everything.

Headquarters officers manage all organisations and the national bodies; the
staff of an office (and headquarters) manage the bodies of the regions the
office covers, with their meetings and decisions. Others get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts import access
from coordination.models import CoordinationBody, Decision, Meeting, Membership, Organisation
from regions import access as region_access


def can_manage_organisations(user) -> bool:
    return access.is_headquarters_officer(user)


def manageable_bodies(user) -> QuerySet:
    """The bodies whose members, meetings and decisions `user` manages."""
    regional = Q(region__in=region_access.editable_regions(user))
    if access.is_headquarters_officer(user):
        return CoordinationBody.objects.filter(regional | Q(region__isnull=True))
    return CoordinationBody.objects.filter(regional)


def can_manage_body(user, body: CoordinationBody) -> bool:
    if body.region_id is None:
        return access.is_headquarters_officer(user)
    return region_access.editable_regions(user).filter(pk=body.region_id).exists()


def can_create_bodies(user) -> bool:
    return region_access.editable_regions(user).exists()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def get_organisation_for_edit(user, pk: int) -> Organisation:
    _require(can_manage_organisations(user))
    return get_object_or_404(Organisation, pk=pk)


def get_body_for_manage(user, pk: int) -> CoordinationBody:
    body = get_object_or_404(CoordinationBody.objects.select_related("region"), pk=pk)
    _require(can_manage_body(user, body))
    return body


def get_membership_for_manage(user, pk: int) -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("body__region", "organisation"), pk=pk
    )
    _require(can_manage_body(user, membership.body))
    return membership


def get_meeting_for_manage(user, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body__region"), pk=pk)
    _require(can_manage_body(user, meeting.body))
    return meeting


def get_decision_for_manage(user, pk: int) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("meeting__body__region"), pk=pk)
    _require(can_manage_body(user, decision.meeting.body))
    return decision
