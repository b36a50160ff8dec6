from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from regions.models import (
    Cercle,
    Office,
    PlanPriority,
    PlanReportingObligation,
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
    list_display = ["name", "region", "seat_latitude", "seat_longitude"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name"]


@admin.register(PlanReportingObligation)
class PlanReportingObligationAdmin(SimpleHistoryAdmin):
    """How often validated plans are updated (`regions.reporting` reads it)."""

    list_display = ["__str__", "frequency", "due_days", "is_active"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_headquarters", "head"]
    list_select_related = ["head"]
    filter_horizontal = ["regions"]
    autocomplete_fields = ["head"]


REVIEW_TRAIL = ["submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]
# What a plan's review decided on: fixed once the plan leaves its draft, as
# on the portal's pages (regions.services); the workflow moves the status.
DECIDED = ["region", "period_start", "period_end", "validation_date", "validating_authority"]


class PriorityInline(admin.TabularInline):
    model = PlanPriority
    extra = 0
    fields = ["code", "title", "pillar", "estimated_cost_usd"]

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.is_editable

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_editable

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.is_editable


@admin.register(RegionalPlan)
class RegionalPlanAdmin(SimpleHistoryAdmin):
    """Corrections of a plan's texts. What its review decided (region,
    period, validation) is read-only once it is sent for review, and its
    status moves only through the workflow on the portal's pages, so that no
    plan is validated here without four eyes or overlaps another."""

    list_display = ["title", "region", "period_start", "period_end", "status"]
    list_filter = ["status", "region"]
    list_select_related = ["region"]
    search_fields = ["title"]
    readonly_fields = ["status", "version", "created_by", *REVIEW_TRAIL]
    inlines = [PriorityInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != RegionalPlan.Status.DRAFT:
            return fields + DECIDED
        # A draft's validation is recorded by the review, never typed here.
        return fields + ["validation_date", "validating_authority"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class PlanPriorityAdminForm(forms.ModelForm):
    def clean_plan(self):
        plan = self.cleaned_data["plan"]
        if plan is not None and not plan.is_editable:
            raise forms.ValidationError(_("A validated or archived plan can no longer be edited."))
        return plan


@admin.register(PlanPriority)
class PlanPriorityAdmin(SimpleHistoryAdmin):
    form = PlanPriorityAdminForm
    list_display = ["code", "title", "plan", "pillar", "estimated_cost_usd"]
    list_filter = ["pillar", "plan__region"]
    list_select_related = ["plan"]
    search_fields = ["code", "title"]
    readonly_fields = ["version"]

    def has_change_permission(self, request, obj=None):
        # The priorities of a plan sent for review, validated or archived are
        # fixed, as on the portal's pages.
        if obj is not None and not obj.plan.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.plan.is_editable:
            return False
        return super().has_delete_permission(request, obj)

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
