"""Django admin for administrators only.

The portal's pages scope every write by role and region (`accounts.access`
and each app's `access.py`); Django admin does not, since model permissions
say which models a person may change, never which rows. So admin is for
administrators (active staff superusers) alone: the site refuses everyone
else, whatever their staff status or permissions, and the user form of admin
refuses staff status without superuser status (`accounts.admin`).

Loaded while the app registry is populated (INSTALLED_APPS names the config
below): it must not import any model."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

from accounts import access


class PortalAdminSite(AdminSite):
    def has_permission(self, request):
        return access.can_use_admin(request.user)


class PortalAdminConfig(AdminConfig):
    """`django.contrib.admin` with the portal's site as the default one."""

    default_site = "accounts.admin_site.PortalAdminSite"
