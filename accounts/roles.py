"""The portal's roles. Each is a Django group of the same name, created by a
data migration; an upper app's migrations grant its own model permissions to
these groups with `grant_permissions`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_OFFICER = "hq_officer", _("S&R officer (headquarters)")
    HEAD_OF_OFFICE = "head_of_office", _("Head of regional office")
    REGIONAL_OFFICER = "regional_officer", _("Regional officer")
    FUND_MANAGER = "fund_manager", _("Fund manager")
    VIEWER = "viewer", _("Partner / viewer")
    USER_MANAGER = "user_manager", _("User manager")


# Roles whose holders create and edit the records of their office's regions.
EDITOR_ROLES = frozenset({Role.HQ_OFFICER, Role.HEAD_OF_OFFICE, Role.REGIONAL_OFFICER})

# Roles only an administrator (a superuser) may give or take away: a user
# manager cannot make another user manager (`accounts.people`).
ADMINISTRATOR_GRANTED_ROLES = frozenset({Role.USER_MANAGER})
# The mission's staff: every role but partners and viewers (meeting
# attendees, decision owners).
STAFF_ROLES = frozenset(role for role in Role if role != Role.VIEWER)
# The staff who follow projects (focal points): not user managers, who
# manage accounts, not projects.
PROJECT_STAFF_ROLES = frozenset(
    {Role.HQ_OFFICER, Role.HEAD_OF_OFFICE, Role.REGIONAL_OFFICER, Role.FUND_MANAGER}
)


def grant_permissions(apps, role: Role, codenames: list[str]) -> None:
    """Give `role`'s group the permissions named "app_label.codename".

    Meant for data migrations (`apps` is the migration's app registry); the
    permissions are created first since post_migrate has not run yet.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=role.value)
    for name in codenames:
        app_label, codename = name.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
