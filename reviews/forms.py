"""The reviewer's forms: approve with an optional comment, return with a
mandatory one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form


class ApproveForm(Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReturnForm(Form):
    comment = forms.CharField(
        label=_("What must change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what must change: a comment is required.")},
    )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Say what must change: a comment is required."))
        return comment
