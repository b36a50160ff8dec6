from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from funding import services
from funding.models import (
    Contribution,
    Deposit,
    ExchangeRate,
    Expenditure,
    FundingApproval,
    Mechanism,
    ReportingObligation,
    Tranche,
    TrancheStep,
    Window,
    validate_tranche_schedule,
)


class TrancheScheduleFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        percents = [
            form.cleaned_data["percent"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("percent") is not None
        ]
        validate_tranche_schedule(percents)


class TrancheStepInline(admin.TabularInline):
    model = TrancheStep
    formset = TrancheScheduleFormSet
    extra = 0


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0


class ReportingObligationInline(admin.TabularInline):
    """The reports the mechanism's projects owe (`projects.reporting` reads them)."""

    model = ReportingObligation
    extra = 0
    fields = ["kind", "frequency", "due_days", "is_active"]


@admin.register(Mechanism)
class MechanismAdmin(SimpleHistoryAdmin):
    """The mechanisms' rules, their windows and tranche schedule: each change
    is kept in history with who made it (the windows' and steps' through the
    history middleware), shown on the mechanism's page and on /audit/."""

    list_display = ["code", "acronym", "name_fr", "ceiling_usd", "max_duration_months"]
    inlines = [WindowInline, TrancheStepInline, ReportingObligationInline]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin):
    list_display = ["month", "currency", "units_per_usd"]
    list_filter = ["currency"]
    date_hierarchy = "month"


class MoneyAdmin(SimpleHistoryAdmin):
    """Money is recorded in the portal, where the services hold its
    invariants; here administrators read it, with its history, and correct a
    mistaken entry by deleting it, which is refused while another amount
    depends on it."""

    date_hierarchy = "recorded_at"
    # Set by the services with the amount; shown, as nothing here is edited.
    readonly_fields = ["amount_usd", "units_per_usd"]
    actions = None  # no bulk deletion: each deletion is checked on its own

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or not services.deletion_problems(obj)

    def delete_model(self, request, obj):
        try:
            services.delete_record(obj, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)


@admin.register(Contribution)
class ContributionAdmin(MoneyAdmin):
    list_display = [
        "donor",
        "mechanism",
        "pledged_on",
        "amount",
        "currency",
        "amount_usd",
        "units_per_usd",
    ]
    list_filter = ["mechanism", "currency", "earmark_region"]
    list_select_related = ["donor", "mechanism"]
    search_fields = ["donor__name", "donor__acronym", "reference"]


@admin.register(Deposit)
class DepositAdmin(MoneyAdmin):
    list_display = [
        "contribution",
        "received_on",
        "amount",
        "currency",
        "amount_usd",
        "units_per_usd",
        "is_increase",
    ]
    list_filter = ["currency", "is_increase"]
    list_select_related = ["contribution__donor", "contribution__mechanism"]
    search_fields = ["reference", "contribution__donor__name"]


@admin.register(FundingApproval)
class FundingApprovalAdmin(MoneyAdmin):
    list_display = [
        "decision_reference",
        "project",
        "approved_on",
        "amount",
        "currency",
        "amount_usd",
        "units_per_usd",
    ]
    list_filter = ["mechanism", "currency"]
    list_select_related = ["project"]
    search_fields = ["decision_reference", "project__code"]


@admin.register(Tranche)
class TrancheAdmin(MoneyAdmin):
    list_display = [
        "reference",
        "project",
        "paid_on",
        "amount",
        "currency",
        "amount_usd",
        "units_per_usd",
    ]
    list_filter = ["currency"]
    list_select_related = ["project"]
    search_fields = ["reference", "project__code"]


@admin.register(Expenditure)
class ExpenditureAdmin(MoneyAdmin):
    list_display = [
        "project",
        "spent_on",
        "category",
        "amount",
        "currency",
        "amount_usd",
        "units_per_usd",
        "beyond_transfers",
    ]
    list_filter = ["category", "beyond_transfers", "currency"]
    list_select_related = ["project"]
    search_fields = ["project__code", "description"]
