from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from funding.models import (
    ExchangeRate,
    Mechanism,
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


@admin.register(Mechanism)
class MechanismAdmin(admin.ModelAdmin):
    list_display = ["code", "acronym", "name_fr", "ceiling_usd", "max_duration_months"]
    inlines = [WindowInline, TrancheStepInline]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["month", "currency", "units_per_usd"]
    list_filter = ["currency"]
    date_hierarchy = "month"
