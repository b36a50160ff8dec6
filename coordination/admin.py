from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from coordination.models import (
    CoordinationBody,
    Decision,
    Meeting,
    MeetingDocument,
    Membership,
    Organisation,
)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active", "country"]
    search_fields = ["name", "acronym"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(CoordinationBody)
class CoordinationBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "acronym", "kind", "region"]
    list_filter = ["kind", "region"]
    list_select_related = ["region"]
    search_fields = ["name", "name_en", "acronym"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "body", "role", "start_date", "end_date"]
    list_filter = ["role", "body"]
    list_select_related = ["organisation", "body"]
    search_fields = ["organisation__name", "organisation__acronym", "body__name"]
    autocomplete_fields = ["organisation", "body"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["text", "owner_organisation", "owner_user", "due_date", "status"]
    autocomplete_fields = ["owner_organisation", "owner_user"]


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ["title", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "body", "starts_at", "place"]
    list_filter = ["body", "body__region"]
    list_select_related = ["body"]
    search_fields = ["agenda", "minutes", "place", "body__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["body", "organisations", "attendees"]
    readonly_fields = ["created_by"]
    inlines = [DecisionInline, MeetingDocumentInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "owner_organisation", "due_date", "status"]
    list_filter = ["status", "meeting__body"]
    list_select_related = ["meeting__body", "owner_organisation"]
    search_fields = ["text"]
    autocomplete_fields = ["meeting", "owner_organisation", "owner_user", "plan"]
