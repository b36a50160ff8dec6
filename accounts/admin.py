from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import ApiToken, User, user_history


class AdministratorUserChangeForm(UserChangeForm):
    """Staff status only with superuser status: Django admin is for
    administrators alone (`accounts.admin_site`)."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_staff") and not cleaned.get("is_superuser"):
            raise forms.ValidationError(
                _(
                    "Django admin is for administrators only: give staff status "
                    "together with superuser status, and a role for the portal's pages."
                ),
                code="staff_without_superuser",
            )
        return cleaned


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    form = AdministratorUserChangeForm
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "office",
        "is_active",
        "is_staff",
    ]
    list_filter = ["office", "groups", "is_active", "is_staff"]
    list_select_related = ["office"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ["office", "language"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ["email", "first_name", "last_name", "office", "groups"]}),
    ]

    # One save in admin makes one history record, with the person's details and
    # their groups (role) and permissions as saved: history waits until the
    # groups are saved too, rather than recording the details, then each group
    # removed, then each group added.

    def save_model(self, request, obj, form, change):
        obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            del obj.skip_history_when_saving

    def save_related(self, request, form, formsets, change):
        user = form.instance
        user.skip_history_when_saving = True
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del user.skip_history_when_saving
        user._history_user = request.user
        user_history.record(user, created=not change)


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Administrators see and revoke tokens; the secret is never kept, so
    there is nothing to read, and tokens are made by their owners only."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at"]
    fields = [*readonly_fields, "revoked_at"]

    def has_add_permission(self, request):
        return False
