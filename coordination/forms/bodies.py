"""Forms for coordination bodies and their members."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts import access
from coordination.forms.fields import OrganisationField
from coordination.models import CoordinationBody, Membership, Organisation
from core.forms import Form, ModelForm
from core.widgets import SearchSelect
from regions import access as region_access


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BodyForm(ModelForm):
    class Meta:
        model = CoordinationBody
        fields = ["name", "name_en", "acronym", "kind", "region", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the regions the user manages can be chosen, so a forged region
        # is an invalid choice and nothing is written. National bodies (no
        # region) are for headquarters only.
        region = self.fields["region"]
        region.queryset = region_access.editable_regions(user)
        if access.is_headquarters_officer(user):
            region.empty_label = _("National (no region)")
        else:
            region.required = True
            region.empty_label = None
            region.help_text = ""


class MemberForm(ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role", "start_date"]
        field_classes = {"organisation": OrganisationField}
        widgets = {"organisation": SearchSelect, "start_date": _date_input()}

    def __init__(self, *args, body: CoordinationBody, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["organisation"].queryset = Organisation.objects.filter(
            is_active=True
        ).by_label()

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if self.body.memberships.filter(organisation=organisation, end_date__isnull=True).exists():
            raise forms.ValidationError(
                _("This organisation is already a member of this body."), code="member"
            )
        return organisation


class EndMembershipForm(Form):
    end_date = forms.DateField(
        label=_("Last day of membership"),
        required=False,
        help_text=_("Today if left empty."),
        widget=_date_input(),
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        kwargs.setdefault("initial", {"end_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_end_date(self):
        end_date = self.cleaned_data["end_date"] or timezone.localdate()
        start_date = self.membership.start_date
        if start_date and end_date < start_date:
            raise forms.ValidationError(
                _("A membership cannot end before it starts (%(start)s)."),
                params={"start": date_format(start_date, "SHORT_DATE_FORMAT")},
                code="before_start",
            )
        return end_date
