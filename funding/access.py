"""Who may do what with money. Everyone signed in reads the ledgers; fund
managers and administrators record money (`accounts.access.can_manage_money`);
others get 403."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts import access
from funding.models import Contribution, ExchangeRate


def can_record_money(user) -> bool:
    return access.can_manage_money(user)


def require_money_rights(user) -> None:
    if not can_record_money(user):
        raise PermissionDenied


def get_contribution(pk: int) -> Contribution:
    return get_object_or_404(
        Contribution.objects.select_related("donor", "mechanism", "earmark_region"), pk=pk
    )


def get_contribution_for_money(user, pk: int) -> Contribution:
    contribution = get_contribution(pk)
    require_money_rights(user)
    return contribution


def get_rate_for_edit(user, pk: int) -> ExchangeRate:
    rate = get_object_or_404(ExchangeRate, pk=pk)
    require_money_rights(user)
    return rate
