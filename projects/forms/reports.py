"""Forms of a project's locations, indicators, indicator reports and progress
reports. The project (or indicator) always comes from the URL, never from the
form; the rules that must hold whatever the entry point are in
`projects.services`, and the forms show their messages next to the fields."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.files import validate_upload
from core.forms import ModelForm, OnceMixin
from projects import services
from projects.models import (
    AGE_BANDS,
    Aggregation,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    Location,
    ProgressReport,
    Project,
)
from regions.models import OutcomeIndicator, RegionalPlan


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ModelValuesMixin:
    def model_values(self) -> dict:
        """The cleaned values of the model fields the form shows, as keyword
        arguments for the services (no token, no file)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}

    def add_problems(self, problems: dict[str, str]) -> None:
        """Show the services' messages, except on a field already refused: a
        value that could not be read is reported once, as unreadable."""
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)


class LocationForm(_ModelValuesMixin, ModelForm):
    class Meta:
        model = Location
        fields = ["place", "cercle", "latitude", "longitude", "sensitivity"]
        help_texts = {
            "latitude": _("Decimal degrees, north; for example 16.27170 in Gao."),
            "longitude": _("Decimal degrees, east (negative west of Greenwich); e.g. -0.04470."),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        # Only the cercles of the project's region can be chosen; any other id
        # is an invalid choice.
        self.fields["cercle"].queryset = project.region.cercles.all()

    def clean(self):
        cleaned_data = super().clean()
        # An error on a coordinate here also spares it the model's own range
        # check, whose message says less.
        self.add_problems(services.location_problems(self.project, cleaned_data))
        return cleaned_data


class IndicatorForm(_ModelValuesMixin, ModelForm):
    """An indicator of the project of its instance (`Indicator(project=...)`
    for a new one): the outcome indicators offered are those of the plans of
    the project's region; the model's `clean` checks it whatever the path."""

    class Meta:
        model = Indicator
        fields = [
            "title",
            "unit",
            "baseline",
            "target",
            "by_sex",
            "by_age",
            "outcome",
            "aggregation",
        ]
        help_texts = {
            "unit": _("What is counted: people, wells, classrooms, hectares…"),
            "target": _(
                "The overall target, by the end of the project. Greater than zero; it may lie "
                "below the baseline for a decrease."
            ),
            "by_sex": _(
                "Reports then give the value for women and girls and for men and boys, and "
                "of them the girls and boys."
            ),
            "by_age": _("Reports then give the value for ages under 15, 15 to 24 and 25 and over."),
            "aggregation": _(
                "How the approved reports add up, here and in the outcome indicator: a sum "
                "when each report counts its own period, the latest report when each gives "
                "the total so far."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.instance.project
        outcomes = OutcomeIndicator.objects.filter(
            Q(priority__plan__region=project.region_id)
            & ~Q(priority__plan__status=RegionalPlan.Status.ARCHIVED)
            | Q(pk=self.instance.outcome_id)
        ).select_related("priority__plan")
        field = self.fields["outcome"]
        field.queryset = outcomes.order_by("priority__plan__period_start", "priority__code", "pk")
        field.label_from_instance = lambda outcome: f"{outcome.priority.code} — {outcome.title}"
        field.empty_label = _("None")
        # Left out (a form of before contributions existed): the latest report.
        self.fields["aggregation"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("aggregation") and "aggregation" not in self.errors:
            cleaned_data["aggregation"] = Aggregation.LATEST
        self.add_problems(services.indicator_problems(cleaned_data))
        return cleaned_data


class IndicatorReportForm(_ModelValuesMixin, ModelForm):
    """The value an indicator reached over a period, with an optional evidence file."""

    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("PDF, Word, Excel or image; checked by content, size limited."),
    )
    evidence_title = forms.CharField(
        label=_("Title of the evidence"), max_length=200, required=False
    )

    class Meta:
        model = IndicatorReport
        fields = [
            "period_start",
            "period_end",
            "value",
            "value_women",
            "value_girls",
            "value_men",
            "value_boys",
            *AGE_BANDS,
            "comment",
        ]
        widgets = {
            "period_start": _date_input(),
            "period_end": _date_input(),
            "comment": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        # The unit is typed by users: plain text, escaped where it is shown.
        self.fields["value"].help_text = _("In %(unit)s.") % {"unit": indicator.unit}
        # Required by the services' rule when the indicator is disaggregated
        # by sex (one message, theirs); not asked at all otherwise.
        if not indicator.by_sex:
            for name in services.SEX_PARTS:
                del self.fields[name]
        if not indicator.by_age:
            for name in AGE_BANDS:
                del self.fields[name]

    def clean_evidence(self):
        upload = self.cleaned_data["evidence"]
        if upload:
            validate_upload(upload)
        return upload

    def clean(self):
        cleaned_data = super().clean()
        self.add_problems(services.indicator_report_problems(self.indicator, cleaned_data))
        return cleaned_data

    def evidence_values(self) -> dict:
        return {
            "evidence": self.cleaned_data["evidence"],
            "evidence_title": self.cleaned_data["evidence_title"],
        }


class IndicatorReportCreateForm(OnceMixin, IndicatorReportForm):
    """The same form with a one-time token: posted twice, it creates one report."""


class ProgressReportForm(_ModelValuesMixin, ModelForm):
    class Meta:
        model = ProgressReport
        fields = [
            "period_start",
            "period_end",
            "narrative",
            "percent_complete",
            "site_accessible",
            "is_final",
            "women_reached",
            "men_reached",
            "girls_reached",
            "boys_reached",
        ]
        help_texts = {
            "women_reached": _("People reached since the project began, not only in this period."),
        }
        widgets = {
            "period_start": _date_input(),
            "period_end": _date_input(),
            "narrative": forms.Textarea(attrs={"rows": 8}),
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    REACHED = ("women_reached", "men_reached", "girls_reached", "boys_reached")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REACHED:
            # Left empty: nobody counted yet.
            self.fields[name].required = False
            self.fields[name].widget.attrs["min"] = 0

    def clean(self):
        cleaned_data = super().clean()
        for name in self.REACHED:
            if cleaned_data.get(name) is None and name not in self.errors:
                cleaned_data[name] = 0
        return cleaned_data


class ProgressReportCreateForm(OnceMixin, ProgressReportForm):
    """The same form with a one-time token: posted twice, it creates one report."""


class IndicatorTargetForm(ModelForm):
    """A target for one period of an indicator: the view gives it an instance
    attached to the indicator, so that the model's rule (`IndicatorTarget.clean`,
    which Django admin asks too) shows its messages next to the fields."""

    class Meta:
        model = IndicatorTarget
        fields = ["period_start", "period_end", "value"]
        widgets = {"period_start": _date_input(), "period_end": _date_input()}
