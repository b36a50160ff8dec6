"""Form pieces every app uses: one-time tokens, the version a form was
opened at, attached files, and a service's refusal shown on the form."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.files import validate_upload


class OnceMixin(forms.Form):
    """A hidden one-time token: the same form posted twice creates one record
    (services store it in the record's `creation_token`)."""

    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class VersionMixin(forms.Form):
    """The version the form was opened at, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AttachmentForm(forms.Form):
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
