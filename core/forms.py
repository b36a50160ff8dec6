"""Form pieces every app uses: the base classes that check every posted
value the same way, one-time tokens, the version a form was opened at,
attached files, and a service's refusal shown on the form."""

import uuid

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connections
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin, IntegerField
from django.utils.translation import gettext_lazy as _

from core.files import validate_upload
from core.text import validate_text


class PrimaryKeyChoiceMixin:
    """A choice of rows that refuses, before any query, a value that is not an
    integer the key's column can hold: the database driver would raise an
    overflow error (a server error) on `cercles=99999999999999999999`."""

    def validate_no_null_characters(self, value):
        # Django's hook that both fields call on each value before querying.
        super().validate_no_null_characters(value)
        if isinstance(value, Model):
            return
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        if not isinstance(key, IntegerField | AutoFieldMixin):
            return
        low, high = connections[self.queryset.db].ops.integer_field_range(key.get_internal_type())
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if (
            number is None
            or not (low is None or low <= number)
            or not (high is None or number <= high)
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class ModelChoiceField(PrimaryKeyChoiceMixin, forms.ModelChoiceField):
    pass


class ModelMultipleChoiceField(PrimaryKeyChoiceMixin, forms.ModelMultipleChoiceField):
    pass


_CHOICE_FIELDS = {
    forms.ModelChoiceField: ModelChoiceField,
    forms.ModelMultipleChoiceField: ModelMultipleChoiceField,
}


def _harden(field: forms.Field) -> None:
    if isinstance(field, forms.CharField) and validate_text not in field.validators:
        field.validators.append(validate_text)
    if isinstance(field, forms.ModelChoiceField) and not isinstance(field, PrimaryKeyChoiceMixin):
        if type(field) not in _CHOICE_FIELDS:
            raise ImproperlyConfigured(
                f"{type(field).__name__} must derive from core.forms.PrimaryKeyChoiceMixin."
            )
        # The fields ModelForm makes from foreign keys: each form has its own
        # copy, so changing its class touches no other form.
        field.__class__ = _CHOICE_FIELDS[type(field)]


class PortalFormMixin:
    """What every form of the portal checks, whatever its fields: text holds
    no control characters (they break the IATI and XLSX exports) and a choice
    of rows refuses out-of-range keys. Applied when the form is cleaned, so
    that fields added in `__init__` are covered too."""

    def full_clean(self):
        for field in self.fields.values():
            _harden(field)
        super().full_clean()


class Form(PortalFormMixin, forms.Form):
    pass


class ModelForm(PortalFormMixin, forms.ModelForm):
    pass


class OnceMixin(Form):
    """A hidden one-time token: the same form posted twice creates one record
    (services store it in the record's `creation_token`)."""

    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean(self):
        cleaned_data = super().clean()
        instance = getattr(self, "instance", None)
        if cleaned_data.get("token") and hasattr(instance, "creation_token"):
            # The model's rules then know the record this very form created
            # (posted again, it is that record, not a second one).
            instance.creation_token = cleaned_data["token"]
        return cleaned_data


class VersionMixin(Form):
    """The version the form was opened at, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AttachmentForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel or image; checked by content, size limited."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


def show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put what a service refused on the form, each message on its field when
    the form has that field, the others above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
