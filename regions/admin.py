from django.contrib import admin
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
from reviews.admin import ReviewableAdmin


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
class PlanUpdateAdmin(ReviewableAdmin):
    list_display = ["__str__", "review_status", "submitted_by", "submitted_at"]
    list_filter = ["review_status", "plan__region"]
    list_select_related = ["plan__region", "submitted_by"]
    inlines = [ProgressInline]
