"""The form that moves a decision to another status, with the reason why."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import Decision
from core.forms import Form

Status = Decision.Status
# The status the form proposes, so that sending it as it opens changes something.
LIKELY_NEXT = {
    Status.OPEN: Status.IN_PROGRESS,
    Status.IN_PROGRESS: Status.DONE,
    Status.DONE: Status.OPEN,
    Status.DROPPED: Status.OPEN,
}
COMMENT_REQUIRED = _("Say why the status changes: a comment is required.")


class DecisionStatusForm(Form):
    status = forms.ChoiceField(label=_("New status"), choices=Decision.Status.choices)
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Why the status changes; kept in the decision's history."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": COMMENT_REQUIRED},
    )

    def __init__(self, *args, decision: Decision, **kwargs):
        kwargs.setdefault("initial", {"status": LIKELY_NEXT[decision.status]})
        super().__init__(*args, **kwargs)
        self.decision = decision

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == self.decision.status:
            raise forms.ValidationError(_("The decision already has this status."), code="same")
        return status
