"""Forms of a meeting: the meeting itself with its attendance, and the
decisions taken there (several rows when the meeting is recorded, one at a
time later)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import STAFF_ROLES
from coordination import access, services
from coordination.forms.fields import OrganisationField, OrganisationsField
from coordination.models import Decision, Meeting, Membership, Organisation
from core.forms import ModelForm, OnceMixin
from core.widgets import SearchCheckboxes, SearchSelect

# Blank decision rows offered when a meeting is recorded.
DECISION_ROWS = 3


def _active_or_chosen(queryset, chosen):
    """The active rows, and the ones already chosen even if no longer active."""
    return queryset.filter(Q(is_active=True) | Q(pk__in=chosen))


def _organisations(chosen=()):
    return _active_or_chosen(Organisation.objects.by_label(), chosen)


def _people(chosen=()):
    """The active staff (attendees and owners are among them), and whoever was
    already chosen."""
    User = get_user_model()
    staff = User.groups.through.objects.filter(
        user=OuterRef("pk"), group__name__in=[role.value for role in STAFF_ROLES]
    )
    return User.objects.filter(Q(Exists(staff), is_active=True) | Q(pk__in=chosen)).order_by(
        "last_name", "first_name", "username"
    )


def current_members(body) -> list[int]:
    """The keys of the organisations that are members of `body` today."""
    today = timezone.localdate()
    members = Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today), body=body
    )
    return list(members.values_list("organisation", flat=True).distinct())


def posted_values(form: forms.BaseForm) -> dict:
    """What was posted in each field of `form`, as initial values: to show the
    form again as sent, unchecked (nothing to correct yet)."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }


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
        field_classes = {"organisations": OrganisationsField}
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "organisations": SearchCheckboxes,
            "attendees": SearchCheckboxes,
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
        self.fields["body"].label_from_instance = lambda body: f"{body.display_name} ({body.scope})"
        # On edit, who attended stays listed even if no longer active.
        meeting = self.instance if self.instance.pk else None
        self.fields["organisations"].queryset = _organisations(
            meeting.organisations.values("pk") if meeting else []
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
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # A meeting of a body chosen beforehand (from the body's page) starts
        # with the body's current members ticked; any of them can be unticked.
        body = self._initial_body()
        if body is not None and "organisations" not in self.initial:
            self.initial["organisations"] = current_members(body)

    def _initial_body(self):
        try:
            return self.fields["body"].clean(self.initial.get("body"))
        except ValidationError:
            return None


class DecisionForm(ModelForm):
    """One decision. With `starts_at`, a due date before the meeting is refused."""

    class Meta:
        model = Decision
        fields = ["text", "owner_organisation", "owner_user", "due_date", "status"]
        field_classes = {"owner_organisation": OrganisationField}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "owner_organisation": SearchSelect,
            "owner_user": SearchSelect,
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, starts_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.starts_at = starts_at
        self.fields["owner_organisation"].queryset = _organisations()
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
    def _construct_form(self, i, **kwargs):
        # Every row may stay blank, wherever it sits (the rows a form shown
        # again carries as its initial ones included).
        return super()._construct_form(i, **{**kwargs, "empty_permitted": True})

    def with_another_row(self) -> "BaseDecisionFormSet":
        """The rows as posted, unchecked, and one more blank row: what "Add a
        row" shows when the page has no JavaScript (nothing is saved)."""
        rows = [posted_values(form) for form in self.forms]
        formset = type(self)(initial=rows, prefix=self.prefix)
        formset.extra = 1
        return formset

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
