"""The form that creates and edits an organisation."""

from django import forms
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from coordination.models import Organisation
from core.forms import ModelForm

DUPLICATE_NAME = _("An organisation with this name already exists.")
DUPLICATE_ACRONYM = _("An organisation with this acronym already exists.")


class OrganisationForm(ModelForm):
    # An address typed without its scheme is taken as https.
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "website", "is_active"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self._taken("name", name):
            raise forms.ValidationError(DUPLICATE_NAME, code="duplicate")
        return name

    def clean_acronym(self):
        acronym = self.cleaned_data["acronym"].strip()
        if acronym and self._taken("acronym", acronym):
            raise forms.ValidationError(DUPLICATE_ACRONYM, code="duplicate")
        return acronym

    def _taken(self, field: str, value: str) -> bool:
        """Another organisation has this value, in any case. Compared here
        rather than with `iexact`, which SQLite applies to ASCII letters only
        ("FRANÇAISE" is not "française" there): the database narrows to the
        values of the same length, Python compares them."""
        same_length = (
            Organisation.objects.exclude(pk=self.instance.pk)
            .annotate(length=Length(field))
            .filter(length=len(value))
            .values_list(field, flat=True)
        )
        return any(other.lower() == value.lower() for other in same_length)

    def duplicate_error(self) -> None:
        """After the database refused the row (somebody saved the same name or
        acronym since the form was checked): say which, as the checks would."""
        name, acronym = self.cleaned_data["name"], self.cleaned_data["acronym"]
        if self._taken("name", name):
            self.add_error("name", DUPLICATE_NAME)
        if acronym and self._taken("acronym", acronym):
            self.add_error("acronym", DUPLICATE_ACRONYM)
        if not self.errors:
            self.add_error(None, DUPLICATE_NAME)
