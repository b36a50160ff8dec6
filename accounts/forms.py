"""The forms of a person's own account."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.api_tokens import LIFETIMES
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


class ApiTokenForm(Form):
    """A new personal token of the read API: a name to recognise it by, and
    how long it lives (`accounts.api_tokens.LIFETIMES`)."""

    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[
            (days, ngettext_lazy("%(days)d day", "%(days)d days", "days") % {"days": days})
            for days in LIFETIMES
        ],
        initial=90,
    )


class TwoFactorCodeForm(Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
    )

    def clean_code(self) -> str:
        # People copy codes with spaces or dashes; recovery codes are lower case.
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
