"""The forms of a person's own account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form


class DigestPreferenceForm(Form):
    receives_digest = forms.BooleanField(
        label=_("Send me a weekly digest by e-mail"),
        required=False,
        help_text=_(
            "Once a week: the reports and decisions awaiting you and the items returned "
            "to you or awaiting your review. This turns off the digest only: reminders "
            "before a report or decision is due, on its due date and every week while it "
            "is overdue are always sent. Reminders of overdue items cannot be turned off."
        ),
    )
