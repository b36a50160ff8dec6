"""Who may do what: the one place that answers it for the whole portal.

Every app's own `access.py` builds on these answers; no view or template
decides access on its own. Rights in the portal come from the user's role and
office; administrators' rights in Django admin come from staff status.
"""

from accounts.roles import EDITOR_ROLES, Role


def role_of(user) -> Role | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return user.role


def is_headquarters_officer(user) -> bool:
    return role_of(user) == Role.HQ_OFFICER


def can_review(user) -> bool:
    """Approve or return what regional offices submit: headquarters only."""
    return role_of(user) == Role.HQ_OFFICER


def can_manage_money(user) -> bool:
    """Record contributions, rates, approvals, tranches and expenditure: fund
    managers, and administrators, who keep the records straight."""
    if role_of(user) == Role.FUND_MANAGER:
        return True
    return user.is_authenticated and user.is_active and user.is_superuser


def can_use_admin(user) -> bool:
    """Django admin is for administrators: active staff who are superusers.

    Its pages are not scoped by region or role (model permissions say which
    models, not which rows), so no other person reaches them, whatever their
    staff status or permissions."""
    return user.is_authenticated and user.is_active and user.is_staff and user.is_superuser


def is_read_only(user) -> bool:
    return role_of(user) not in EDITOR_ROLES | {Role.FUND_MANAGER}
