"""Forms for money: where typed amounts and dates become model data.

Amounts are read in the user's language (`1 234,56` in French, `1,234.56` in
English). The invariants are the services' to hold; the forms say early what
they can say alone (a zero amount, a date to come)."""

from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from coordination.forms.fields import OrganisationField
from coordination.models import Organisation
from core.forms import Form, ModelChoiceField, ModelForm, OnceMixin, VersionMixin
from core.widgets import SearchSelect
from funding import rules, services
from funding.models import (
    RATED_CURRENCIES,
    Contribution,
    Currency,
    ExchangeRate,
    Expenditure,
    TrancheStep,
)
from funding.money import format_money
from regions.models import Region

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AmountField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Amount"))
        super().__init__(
            max_digits=16,
            decimal_places=2,
            localize=True,
            error_messages={
                "invalid": _("Enter an amount, e.g. 12 500,00 or 12500."),
                "max_digits": _("This amount is too large."),
                "max_decimal_places": _("Amounts have at most two decimals (cents)."),
            },
            **kwargs,
        )

    def to_python(self, value):
        # Digits grouped as people type them (1 234,56 or 1,234.56): Django
        # strips the separator only where the site itself groups digits.
        if isinstance(value, str):
            value = "".join(value.split())
            thousands = formats.get_format("THOUSAND_SEPARATOR")
            if thousands.strip() and thousands != formats.get_format("DECIMAL_SEPARATOR"):
                value = value.replace(thousands, "")
        return super().to_python(value)

    def clean(self, value):
        amount = super().clean(value)
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        return amount


class PastDateField(forms.DateField):
    """A date that has happened: money pledged, received, approved, paid or
    spent (or a few days ahead, where `MONEY_FUTURE_DAYS` allows it)."""

    widget = DATE_WIDGET

    def clean(self, value):
        day = super().clean(value)
        problem = day and services.too_far_ahead(day)
        if problem:
            raise forms.ValidationError(problem)
        return day


class ContributionForm(ModelForm):
    amount = AmountField(label=_("Pledged amount"))

    class Meta:
        model = Contribution
        fields = [
            "donor",
            "mechanism",
            "earmark_region",
            "earmark_pillar",
            "amount",
            "currency",
            "pledged_on",
            "reference",
            "notes",
        ]
        widgets = {
            "donor": SearchSelect,
            "pledged_on": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"donor": OrganisationField, "pledged_on": PastDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the order of their labels, found by typing.
        self.fields["donor"].queryset = Organisation.objects.by_label()
        self.fields["earmark_region"].queryset = Region.objects.in_scope()
        self.fields["earmark_region"].empty_label = _("Any region")
        self.fields["earmark_pillar"].choices = [("", _("Any pillar"))] + [
            choice for choice in self.fields["earmark_pillar"].choices if choice[0]
        ]


class ContributionCreateForm(OnceMixin, ContributionForm):
    pass


class ContributionEditForm(VersionMixin, ContributionForm):
    pass


class DepositForm(OnceMixin, Form):
    amount = AmountField()
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    received_on = PastDateField(label=_("Received on"))
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    is_increase = forms.BooleanField(
        label=_("Increase of the pledge"),
        required=False,
        help_text=_("The donor gave more than it pledged: this deposit raises the pledge."),
    )


class MonthField(forms.DateField):
    """A month typed as 2026-03 (or picked), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2026-03.")}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class RateForm(Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=RATED_CURRENCIES)
    month = MonthField(label=_("Month"))
    units_per_usd = forms.DecimalField(
        label=_("Units per US dollar"),
        max_digits=18,
        decimal_places=6,
        localize=True,
        help_text=_("The UN operational rate: how many units of the currency one dollar buys."),
        error_messages={"invalid": _("Enter a rate, e.g. 605,25 or 605.25.")},
    )

    def clean_units_per_usd(self):
        rate = self.cleaned_data["units_per_usd"]
        if rate <= 0:
            raise forms.ValidationError(_("A rate must be more than zero."))
        return rate


class RateEditForm(RateForm):
    def __init__(self, *args, rate: ExchangeRate, **kwargs):
        kwargs.setdefault(
            "initial",
            {"currency": rate.currency, "month": rate.month, "units_per_usd": rate.units_per_usd},
        )
        super().__init__(*args, **kwargs)
        self.fields["currency"].disabled = True
        self.fields["month"].disabled = True


# --- A project's money --------------------------------------------------------------


class ProjectMoneyForm(OnceMixin, Form):
    """Amounts of a project are in the currency of its budget."""

    amount = AmountField()
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)

    def __init__(self, *args, project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        currency = self.fields["currency"]
        currency.choices = [
            (code, label) for code, label in Currency.choices if code == project.budget_currency
        ]
        currency.initial = project.budget_currency
        currency.error_messages["invalid_choice"] = _(
            "The money of %(project)s is counted in %(currency)s, the currency of its budget."
        ) % {"project": project.code, "currency": project.budget_currency}


class ContributionChoiceField(ModelChoiceField):
    def label_from_instance(self, contribution):
        return _("%(contribution)s — available %(available)s") % {
            "contribution": f"{contribution.donor} {contribution.pledged_on:%Y}"
            + (f" ({contribution.earmark})" if contribution.earmark else ""),
            "available": format_money(contribution.available_usd, Currency.USD),
        }


class ApprovalForm(ProjectMoneyForm):
    approved_on = PastDateField(label=_("Approved on"))
    decision_reference = forms.CharField(
        label=_("Decision reference"),
        max_length=100,
        help_text=_("The committee's decision, e.g. PRC-2026-07."),
    )
    contribution = ContributionChoiceField(
        label=_("Charged to the contribution"),
        queryset=Contribution.objects.none(),
        error_messages={
            "invalid_choice": _(
                "This contribution cannot fund this project: it is made to another "
                "mechanism, or earmarked for another region or pillar."
            )
        },
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        field = self.fields["contribution"]
        field.queryset = services.eligible_contributions(project)
        field.required = project.mechanism.limited_to_receipts
        field.help_text = (
            _("Only money received and not yet approved may fund this project.")
            if field.required
            else _("Optional for this mechanism.")
        )


class StepChoiceField(ModelChoiceField):
    """A step of the mechanism's schedule, shown with its share of what is
    approved and, once a tranche pays it, that tranche."""

    def __init__(self, **kwargs):
        super().__init__(queryset=TrancheStep.objects.none(), **kwargs)
        self.approved, self.currency, self.paid = Decimal(0), Currency.USD, {}

    def label_from_instance(self, step: TrancheStep) -> str:
        values = {
            "step": str(step),
            "amount": format_money(rules.step_share(step, self.approved), self.currency),
        }
        tranche = self.paid.get(step.pk)
        if tranche is None:
            return _("%(step)s — %(amount)s") % values
        return _("%(step)s — %(amount)s — paid: %(reference)s of %(date)s") % {
            **values,
            "reference": tranche.reference,
            "date": formats.date_format(tranche.paid_on),
        }


class TrancheForm(ProjectMoneyForm):
    """A transfer, with the step of the schedule it pays: the view proposes
    the next step not yet paid and its amount (`services.proposed_tranche`);
    a step already paid, or more than a step's share, is refused here
    (`rules.tranche_step_problems`), before anything is confirmed."""

    paid_on = PastDateField(label=_("Paid on"))
    reference = forms.CharField(label=_("Transfer reference"), max_length=100)
    step = StepChoiceField(
        label=_("Step of the schedule"),
        required=False,
        empty_label=_("No step (outside the schedule)"),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        field = self.fields["step"]
        field.queryset = TrancheStep.objects.filter(mechanism=project.mechanism_id)
        field.approved = rules.approved_amount(project)
        field.currency = project.budget_currency
        field.paid = rules.paid_steps(project)
        field.help_text = _(
            "Each step shows its share of the amount approved, and the tranche that paid it."
        )

    def clean(self):
        cleaned = super().clean()
        step, amount = cleaned.get("step"), cleaned.get("amount")
        if step is None:
            return cleaned
        field = self.fields["step"]
        schedule = list(field.queryset)
        problems = rules.tranche_step_problems(
            step,
            amount,
            schedule=schedule,
            approved=field.approved,
            currency=field.currency,
            paid=field.paid,
        )
        for problem in problems:
            self.add_error(problem.concerns, problem)
        return cleaned


class ExpenditureForm(ProjectMoneyForm):
    spent_on = PastDateField(label=_("Spent on"))
    category = forms.ChoiceField(label=_("Category"), choices=Expenditure.Category.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    beyond_transfers = forms.BooleanField(
        label=_("Beyond the money transferred"),
        required=False,
        help_text=_("The partner spent more than it received so far; explain why."),
    )
    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("beyond_transfers") and not cleaned.get("explanation", "").strip():
            self.add_error("explanation", _("Explain why the partner spent more than it received."))
        return cleaned


class ImportForm(Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8) or Excel workbook (.xlsx), first row headers.")
    )
