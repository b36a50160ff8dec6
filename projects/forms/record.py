"""Forms for the project record: creating and editing a project, its budget
(what fund managers change), and its status steps.

The region chosen limits the cercles and plan priorities that can be picked:
without JavaScript the form refuses those of another region when it is sent
(and shows the right ones again); with htmx the fields are re-rendered as soon
as the region changes (`projects:region_choices`)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from coordination.forms.fields import OrganisationField
from coordination.models import Organisation
from core.forms import (
    Form,
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
    OnceMixin,
    VersionMixin,
)
from core.widgets import SearchCheckboxes, SearchSelect
from funding.models import Window
from projects import services
from projects.models import Project, focal_point_choices
from regions import access as region_access
from regions.models import Cercle, PlanPriority, RegionalPlan

# The plans whose priorities projects may map to.
OPEN_PLAN_STATUSES = (RegionalPlan.Status.VALIDATED, RegionalPlan.Status.DRAFT)

RECORD_FIELDS = [
    "title",
    "summary",
    "region",
    "cercles",
    "priority",
    "mechanism",
    "window",
    "implementing_partner",
    "focal_point",
    "budget_amount",
    "budget_currency",
    "indirect_cost_amount",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "women",
    "men",
    "girls",
    "boys",
    "gender_marker",
    "is_confidential",
]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def model_fields(form: forms.ModelForm) -> dict:
    """The cleaned model values the services take as keywords (not the cercles,
    which are passed on their own, nor the token or version): what was posted,
    never the form's instance, which `is_valid()` has already changed."""
    return {name: form.cleaned_data[name] for name in form._meta.fields if name != "cercles"}


class CercleField(ModelMultipleChoiceField):
    single_region = False

    def label_from_instance(self, cercle: Cercle) -> str:
        # Before a region is chosen, cercles of several regions are offered.
        return cercle.name if self.single_region else f"{cercle.name} ({cercle.region.name})"


class PriorityField(ModelChoiceField):
    def label_from_instance(self, priority: PlanPriority) -> str:
        return f"{priority.plan.title}: {priority.code} — {priority.title}"


class BudgetFieldsMixin(ModelForm):
    def clean_budget_amount(self):
        amount = self.cleaned_data["budget_amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("The budget must be more than zero."))
        return amount

    def clean(self):
        cleaned = super().clean()
        amount, indirect = cleaned.get("budget_amount"), cleaned.get("indirect_cost_amount")
        if amount is not None and indirect is not None and indirect > amount:
            self.add_error(
                "indirect_cost_amount", _("The indirect support costs cannot exceed the budget.")
            )
        return cleaned


class MoneyBasisMixin(ModelForm):
    """Once funding is approved for the project, the fields its money is
    counted on (`services.MONEY_BASIS`) are shown disabled with the reason,
    and the budget with what it cannot fall below.

    The service is what refuses. Browsers do not send a disabled field, and
    Django would ignore one posted anyway and save as if nothing had been
    asked: a value that is posted is passed on instead, so that the service
    refuses a change with its reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.instance
        approved = services.approved_funding(project.pk) if project.pk else None
        self.locked = (
            [] if approved is None else [n for n in services.MONEY_BASIS if n in self.fields]
        )
        for name in self.locked:
            self.fields[name].disabled = True
            # Plain text: the template escapes help texts (never `|safe`).
            self.fields[name].help_text = services.locked_reason(name)
        if approved is not None and "budget_amount" in self.fields:
            self.fields["budget_amount"].help_text = services.budget_floor(
                approved, project.budget_currency
            )

    def clean(self):
        cleaned = super().clean()
        for name in self.locked:
            bound = self[name]
            if bound.field.widget.value_omitted_from_data(self.data, self.files, bound.html_name):
                continue
            try:
                cleaned[name] = bound.field.clean(bound.data)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned


class ProjectForm(MoneyBasisMixin, BudgetFieldsMixin, ModelForm):
    class Meta:
        model = Project
        fields = RECORD_FIELDS
        field_classes = {
            "cercles": CercleField,
            "priority": PriorityField,
            "implementing_partner": OrganisationField,
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "cercles": SearchCheckboxes,
            "implementing_partner": SearchSelect,
            "focal_point": SearchSelect,
            "planned_start": _date_input(),
            "planned_end": _date_input(),
            "actual_start": _date_input(),
            "actual_end": _date_input(),
        }
        help_texts = {"window": _("Only for mechanisms with windows (PBF: IRF or PRF).")}
        error_messages = {
            "cercles": {
                "invalid_choice": _(
                    "Choose cercles of the project's region: %(value)s is not one of them."
                )
            },
            "priority": {
                "invalid_choice": _(
                    "Choose a priority of a draft or validated plan of the project's region."
                )
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        regions = region_access.editable_regions(user)
        # Any other id (a forged region, priority, partner...) is an invalid
        # choice: the form refuses it and nothing is written.
        self.fields["region"].queryset = regions
        self.fields["region"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("projects:region_choices"),
                "hx-target": "#region-fields",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        self._limit_to_region(
            regions, self._chosen_region(), keep=instance if instance.pk else None
        )
        self.fields["window"].queryset = Window.objects.select_related("mechanism")
        self.fields["implementing_partner"].queryset = Organisation.objects.filter(
            Q(is_active=True) | Q(pk=instance.implementing_partner_id)
        ).by_label()
        # Staff only (the field's own limit); the current focal point stays
        # shown, and the service says why if they can no longer be one.
        User = get_user_model()
        staff = User.objects.filter(focal_point_choices()).values("pk")
        self.fields["focal_point"].queryset = User.objects.filter(
            Q(pk__in=staff) | Q(pk=instance.focal_point_id)
        ).order_by("last_name", "first_name", "username")

    def _chosen_region(self):
        """The region the form is about: the one posted (if the user may pick
        it), else the record's own, else none yet."""
        field = self.fields["region"]
        if self.is_bound:
            value = self.data.get(self.add_prefix("region"))
        else:
            value = self.initial.get("region") or self.instance.region_id
        try:
            return field.clean(value) if value else None
        except forms.ValidationError:
            return None

    def _limit_to_region(self, regions, region, *, keep=None) -> None:
        """Offer the cercles and priorities of `region` (or, before one is
        chosen, of every region in `regions`). `keep`: a project whose current
        priority stays valid even if its plan has moved on since."""
        scope = Q(region=region) if region else Q(region__in=regions)
        cercles = self.fields["cercles"]
        cercles.queryset = Cercle.objects.filter(scope).select_related("region")
        cercles.single_region = region is not None
        open_plans = Q(plan__status__in=OPEN_PLAN_STATUSES)
        if keep is not None and keep.priority_id:
            open_plans |= Q(pk=keep.priority_id)
        plan_scope = Q(plan__region=region) if region else Q(plan__region__in=regions)
        priority = self.fields["priority"]
        priority.queryset = (
            PlanPriority.objects.filter(plan_scope & open_plans)
            .select_related("plan")
            .order_by("plan__period_start", "plan__title", "code")
        )

    def clean(self):
        cleaned = super().clean()
        # The same checks as the service, here so that each message sits on its
        # field (and the database constraints never have to speak).
        problems = services.consistency_problems(cleaned, cleaned.get("cercles") or ())
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class ProjectCreateForm(OnceMixin, ProjectForm):
    pass


class ProjectEditForm(VersionMixin, ProjectForm):
    pass


class BudgetForm(VersionMixin, MoneyBasisMixin, BudgetFieldsMixin, ModelForm):
    """What fund managers change: the money, nothing else."""

    class Meta:
        model = Project
        fields = ["budget_amount", "budget_currency", "indirect_cost_amount"]


STEP_LABELS = {
    "submit": _("Submit for approval"),
    "send_back": _("Send back to the pipeline"),
    "approve": _("Approve"),
    "start": _("Start implementation"),
    "complete": _("Mark as completed"),
    "close": _("Close"),
    "cancel": _("Cancel the project"),
}


class StatusForm(Form):
    """One status step, with the day it records (start, complete) or its
    reason (a return or a cancellation needs one); the service checks both."""

    step = forms.ChoiceField(label=_("Step"), widget=forms.RadioSelect)
    day = forms.DateField(
        label=_("Actual start or end"),
        required=False,
        widget=_date_input(),
        help_text=_(
            "To start the project: the day it actually started. To mark it completed: "
            "the day it actually ended."
        ),
    )
    comment = forms.CharField(
        label=_("Comment or reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Required to send the project back or to cancel it."),
    )

    def __init__(self, *args, moves: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # Every step name is accepted, so that the service can say why one the
        # page did not offer cannot be taken; only the possible ones are shown.
        self.fields["step"].choices = list(STEP_LABELS.items())
        self.fields["step"].widget.choices = [(step, STEP_LABELS[step]) for step in moves]
        if len(moves) == 1:
            self.fields["step"].initial = moves[0]
        # Shown where a step records a day; read whatever step is posted.
        self.asks_for_day = bool(set(moves) & {"start", "complete"})
