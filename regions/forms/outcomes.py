"""Forms of a priority's outcome indicators and of their targets per period.
The priority (or indicator) comes from the URL, never from the form: the
view gives the form an instance attached to it, so that the models' own
rules (`OutcomeIndicator.clean`, `OutcomeTarget.clean`, which Django admin
asks too) show their messages next to the fields."""

from django import forms

from core.forms import ModelForm
from regions.models import OutcomeIndicator, OutcomeTarget


class OutcomeForm(ModelForm):
    class Meta:
        model = OutcomeIndicator
        fields = ["title", "unit", "baseline", "target"]


class OutcomeTargetForm(ModelForm):
    class Meta:
        model = OutcomeTarget
        fields = ["period_start", "period_end", "value"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
