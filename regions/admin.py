from django.contrib import admin
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from regions.models import (
    Cercle,
    Office,
    PlanPriority,
    PlanUpdate,
    PriorityProgress,
    Region,
    RegionalPlan,
)
from reviews import services as review_services


class CercleInline(admin.TabularInline):
    model = Cercle
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "in_scope"]
    list_filter = ["in_scope"]
    search_fields = ["code", "name_fr", "name_en"]
    inlines = [CercleInline]


@admin.register(Cercle)
class CercleAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_headquarters", "head"]
    list_select_related = ["head"]
    filter_horizontal = ["regions"]
    autocomplete_fields = ["head"]


class PriorityInline(admin.TabularInline):
    model = PlanPriority
    extra = 0
    fields = ["code", "title", "pillar", "estimated_cost_usd"]


@admin.register(RegionalPlan)
class RegionalPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "region", "period_start", "period_end", "status"]
    list_filter = ["status", "region"]
    list_select_related = ["region"]
    search_fields = ["title"]
    readonly_fields = ["status", "version", "created_by"]
    inlines = [PriorityInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(PlanPriority)
class PlanPriorityAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "plan", "pillar", "estimated_cost_usd"]
    list_filter = ["pillar", "plan__region"]
    list_select_related = ["plan"]
    search_fields = ["code", "title"]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class ProgressInline(admin.TabularInline):
    model = PriorityProgress
    extra = 0


@admin.register(PlanUpdate)
class PlanUpdateAdmin(SimpleHistoryAdmin):
    """Corrections only: an approved update is read-only here too until an
    administrator reopens it (the reopening is recorded on its timeline)."""

    list_display = ["__str__", "review_status", "submitted_by", "submitted_at"]
    list_filter = ["review_status", "plan__region"]
    list_select_related = ["plan__region", "submitted_by"]
    readonly_fields = [
        "review_status",
        "created_by",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    ]
    inlines = [ProgressInline]
    actions = ["reopen"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Reopen the selected approved updates for correction"))
    def reopen(self, request, queryset):
        reopened = 0
        for update in queryset:
            if update.is_locked:
                review_services.reopen(
                    update, by=request.user, comment=gettext("Reopened for correction.")
                )
                reopened += 1
        self.message_user(
            request,
            ngettext("%(count)d update reopened.", "%(count)d updates reopened.", reopened)
            % {"count": reopened},
        )
