"""Forms of a meeting: the meeting itself with its attendance, and the
decisions taken there (several rows when the meeting is recorded, one at a
time later)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination import access, services
from coordination.models import Decision, Meeting, Organisation
from core.forms import ModelForm, OnceMixin

# Blank decision rows offered when a meeting is recorded.
DECISION_ROWS = 3


def _active_or_chosen(queryset, chosen):
    """The active rows, and the ones already chosen even if no longer active."""
    return queryset.filter(Q(is_active=True) | Q(pk__in=chosen))


def _organisation_label(organisation: Organisation) -> str:
    return organisation.label


def _people(chosen=()):
    return _active_or_chosen(get_user_model().objects.order_by("last_name", "first_name"), chosen)


class MeetingForm(ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "body",
            "starts_at",
            "place",
            "agenda",
            "minutes",
            "organisations",
            "attendees",
            "other_attendees",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "organisations": forms.CheckboxSelectMultiple,
            "attendees": forms.SelectMultiple(attrs={"size": 8}),
            "other_attendees": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "starts_at": _("Local time in Bamako."),
            "organisations": _("Organisations that are not members of the body attend as guests."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the bodies the user manages can be chosen; any other id is an
        # invalid choice, so a forged form writes nothing.
        self.fields["body"].queryset = access.manageable_bodies(user).select_related("region")
        self.fields["body"].label_from_instance = lambda body: f"{body.name} ({body.scope})"
        self.fields["organisations"].label_from_instance = _organisation_label
        # On edit, who attended stays listed even if no longer active.
        meeting = self.instance if self.instance.pk else None
        self.fields["organisations"].queryset = _active_or_chosen(
            Organisation.objects.all(), meeting.organisations.values("pk") if meeting else []
        )
        self.fields["attendees"].queryset = _people(
            meeting.attendees.values("pk") if meeting else []
        )
        self.date_warning = None

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        self.date_warning = services.check_meeting_date(starts_at)
        return starts_at

    def meeting_fields(self) -> dict:
        """The meeting's own fields for the services (attendance apart)."""
        names = ["starts_at", "place", "agenda", "minutes", "other_attendees"]
        return {name: self.cleaned_data[name] for name in names}


class MeetingCreateForm(OnceMixin, MeetingForm):
    pass


class DecisionForm(ModelForm):
    """One decision. With `starts_at`, a due date before the meeting is refused."""

    class Meta:
        model = Decision
        fields = ["text", "owner_organisation", "owner_user", "due_date", "status"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, starts_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.starts_at = starts_at
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(is_active=True)
        self.fields["owner_organisation"].label_from_instance = _organisation_label
        self.fields["owner_user"].queryset = _people()

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if self.starts_at:
            services.check_decision_due(due_date, self.starts_at)
        return due_date

    def has_changed(self) -> bool:
        # A row where only the status (which has a default) is set is a blank
        # row: it is ignored rather than refused for its missing text.
        return any(name != "status" for name in self.changed_data)


class BaseDecisionFormSet(forms.BaseFormSet):
    def fit_meeting(self, starts_at) -> bool:
        """Mark each filled row due before the meeting; True if none is."""
        for form in self.forms:
            try:
                services.check_decision_due(form.cleaned_data.get("due_date"), starts_at)
            except ValidationError as error:
                form.add_error("due_date", error)
        return not any(form.errors for form in self.forms)

    def decisions(self) -> list[dict]:
        """The filled rows, as the services take them."""
        return [form.cleaned_data for form in self.forms if form.has_changed()]


DecisionFormSet = forms.formset_factory(
    DecisionForm, formset=BaseDecisionFormSet, extra=DECISION_ROWS, max_num=50, validate_max=True
)
