"""The forms of the read layer's pages: the filters of my queue (/reviews/),
a region, a kind of record, an age.

A plain form rather than a FilterSet: every section of the queue lists
records of several models, each narrowed by `reviews.queue.Filters`."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from regions.models import Region
from reviews.queue import Filters, reviewable_models

# The ages the queue offers, in days.
AGES = (7, 30, 90)


class QueueFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=None, required=False, empty_label=_("All regions")
    )
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    older_than = forms.TypedChoiceField(
        label=_("Age"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        # Built for each request: in its language, sorted in that language.
        kinds = [
            (model._meta.label_lower, capfirst(model._meta.verbose_name))
            for model in reviewable_models()
        ]
        kinds.sort(key=lambda choice: str(choice[1]))
        self.fields["kind"].choices = [("", _("All kinds")), *kinds]
        self.fields["older_than"].choices = [
            ("", _("Any age")),
            *(
                (
                    days,
                    ngettext("Older than %(days)d day", "Older than %(days)d days", days)
                    % {"days": days},
                )
                for days in AGES
            ),
        ]

    @property
    def is_filtering(self) -> bool:
        """Whether a filter was given (a valid one or not)."""
        return any(self.data.get(name) for name in self.fields)

    def filters(self) -> Filters:
        """The chosen filters; call once the form is valid."""
        return Filters(**self.cleaned_data)
