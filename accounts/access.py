"""Who may do what: the one place that answers it for the whole portal.

Partners and viewers read only what is published (`reviews.visibility`):
validated plans, approved updates and reports, projects from their approval
on; staff of a regional office also read the drafts of their office's
regions, headquarters every draft.

Every app's own `access.py` builds on these answers; no view or template
decides access on its own. Rights in the portal come from the user's role and
office; administrators' rights in Django admin come from staff status.
"""

from accounts.roles import ADMINISTRATOR_GRANTED_ROLES, EDITOR_ROLES, Role


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


def sees_every_draft(user) -> bool:
    """Headquarters (officers and fund managers) and administrators read
    every record in every state: drafts, returned items, review comments."""
    if role_of(user) in (Role.HQ_OFFICER, Role.FUND_MANAGER):
        return True
    return user.is_authenticated and user.is_active and user.is_superuser


def sees_drafts_of_own_regions(user) -> bool:
    """Heads of office and regional officers read what is not published yet
    in the regions their office covers, and only what is published elsewhere."""
    return role_of(user) in (Role.HEAD_OF_OFFICE, Role.REGIONAL_OFFICER) and bool(user.office_id)


def sees_review_comments(user) -> bool:
    """The review timeline (who returned what, with which comment) is the
    mission's internal record: staff read it, partners and viewers never."""
    return role_of(user) in EDITOR_ROLES | {Role.FUND_MANAGER} or (
        user.is_authenticated and user.is_active and user.is_superuser
    )


def sees_due_reports(user) -> bool:
    """Which reports each office owes headquarters, and which are late, is
    the mission's internal business: staff see it, partners and viewers never."""
    return sees_review_comments(user)


def sees_reporting_compliance(user) -> bool:
    """How punctually the offices report, office by office: headquarters
    (officers and fund managers) and administrators."""
    return sees_every_draft(user)


def audience(user) -> str:
    """Everything the answers above depend on, as a short text: the role, the
    office (whose regions decide what a regional officer reads and edits),
    and administrator and staff status. Two people of the same audience may
    see and do the same things, so a section of a page rendered for one of
    them can be shown to the other (`core.render_cache`); answers that depend
    on the person themselves (the four-eyes rule, their own drafts) stay out
    of such sections."""
    if not user.is_authenticated or not user.is_active:
        return "anonymous"
    role = role_of(user)
    return ".".join(
        [
            role.value if role else "-",
            str(user.office_id or "-"),
            "su" if user.is_superuser else "-",
            "staff" if user.is_staff else "-",
        ]
    )


# --- People ---------------------------------------------------------------------------


def is_administrator(user) -> bool:
    """An administrator of the portal: an active superuser."""
    return user.is_authenticated and user.is_active and user.is_superuser


def can_manage_people(user) -> bool:
    """Invite people, set their office and role, deactivate and reactivate
    them (`accounts.people`): user managers and administrators."""
    return is_administrator(user) or role_of(user) == Role.USER_MANAGER


def grantable_roles(user) -> list[Role]:
    """The roles `user` may give or take away: every role for an
    administrator, all but the user manager's for a user manager."""
    if is_administrator(user):
        return list(Role)
    if can_manage_people(user):
        return [role for role in Role if role not in ADMINISTRATOR_GRANTED_ROLES]
    return []


def can_change_person(user, person) -> bool:
    """Change `person`'s office or role, or deactivate them. Nobody changes
    their own (a manager could otherwise lock themselves out or raise
    themselves); only administrators change administrators and user managers."""
    if not can_manage_people(user) or person.pk == user.pk:
        return False
    if is_administrator(user):
        return True
    return (
        not person.is_superuser
        and not person.is_staff
        and (person.role not in ADMINISTRATOR_GRANTED_ROLES)
    )
