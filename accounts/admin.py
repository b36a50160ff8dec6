from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
