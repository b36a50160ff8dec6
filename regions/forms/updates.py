"""Forms of a plan update: its own fields, and the progress on each priority
of its plan. The plan always comes from the URL, never from the form."""

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext

from core.forms import Form, ModelForm, OnceMixin
from regions.models import PlanPriority, PlanUpdate, PriorityProgress


class PlanUpdateForm(ModelForm):
    class Meta:
        model = PlanUpdate
        fields = ["period_start", "period_end", "narrative", "risks", "access_constraints"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "risks": forms.Textarea(attrs={"rows": 4}),
            "access_constraints": forms.Textarea(attrs={"rows": 4}),
        }

    def update_fields(self) -> dict:
        """The cleaned values, as keyword arguments for the services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PlanUpdateCreateForm(OnceMixin, PlanUpdateForm):
    """The same form with a one-time token: posted twice, it creates one update."""


class ProgressForm(Form):
    """A status and a narrative for each priority of the plan, in fields named
    `progress_<priority id>_status` and `progress_<priority id>_narrative`."""

    def __init__(
        self,
        *args,
        priorities: list[PlanPriority],
        rows: Iterable[PriorityProgress] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.priorities = priorities
        current = {row.priority_id: row for row in rows}
        for priority in priorities:
            row = current.get(priority.pk)
            self.fields[self._name(priority, "status")] = forms.ChoiceField(
                label=gettext("Progress"),
                choices=PriorityProgress.Status.choices,
                initial=row.status if row else PriorityProgress.Status.NOT_REPORTED,
            )
            self.fields[self._name(priority, "narrative")] = forms.CharField(
                label=gettext("Narrative"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=row.narrative if row else "",
            )

    @staticmethod
    def _name(priority: PlanPriority, part: str) -> str:
        return f"progress_{priority.pk}_{part}"

    def rows(self):
        """(priority, status field, narrative field) for each priority, for the template."""
        for priority in self.priorities:
            yield (
                priority,
                self[self._name(priority, "status")],
                self[self._name(priority, "narrative")],
            )

    def progress(self) -> dict[int, tuple[str, str]]:
        """The cleaned values as `regions.services` expects them."""
        return {
            priority.pk: (
                self.cleaned_data[self._name(priority, "status")],
                self.cleaned_data[self._name(priority, "narrative")].strip(),
            )
            for priority in self.priorities
        }
