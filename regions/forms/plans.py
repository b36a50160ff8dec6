"""Forms for regional plans, their priorities and the workflow steps that take input."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ModelForm, OnceMixin, VersionMixin
from regions import access as region_access
from regions.models import PlanPriority, RegionalPlan


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def model_fields(form: forms.ModelForm) -> dict:
    """The cleaned values of the model fields only (no token or version)."""
    return {name: form.cleaned_data[name] for name in form._meta.fields}


class PlanForm(ModelForm):
    class Meta:
        model = RegionalPlan
        fields = ["region", "title", "period_start", "period_end", "context_analysis"]
        widgets = {
            "period_start": _date_input(),
            "period_end": _date_input(),
            "context_analysis": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the regions the user may edit can be chosen; any other id is an
        # invalid choice, so a forged form writes nothing.
        self.fields["region"].queryset = region_access.editable_regions(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned


class PlanCreateForm(OnceMixin, PlanForm):
    pass


class PlanEditForm(VersionMixin, PlanForm):
    pass


DUPLICATE_CODE = _("This code is already used in this plan.")


class PriorityForm(ModelForm):
    class Meta:
        model = PlanPriority
        fields = ["code", "title", "description", "pillar", "estimated_cost_usd"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan: RegionalPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code and self.code_taken(code, token=cleaned.get("token")):
            self.add_error("code", DUPLICATE_CODE)
        return cleaned

    def code_taken(self, code: str, *, token=None) -> bool:
        """Another priority of the plan has this code, in any case. The one this
        very form created (when it is posted twice) does not count."""
        others = self.plan.priorities.exclude(pk=self.instance.pk)
        if token:
            others = others.exclude(creation_token=token)
        return others.filter(code__iexact=code).exists()


class PriorityCreateForm(OnceMixin, PriorityForm):
    pass


class PriorityEditForm(VersionMixin, PriorityForm):
    pass


class ValidatePlanForm(Form):
    validation_date = forms.DateField(label=_("Validation date"), widget=_date_input())
    validating_authority = forms.CharField(
        label=_("Validating authority"),
        max_length=250,
        help_text=_("For example the regional authorities that validated the plan."),
    )

    def clean_validation_date(self):
        value = self.cleaned_data["validation_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The validation date cannot be in the future."))
        return value
