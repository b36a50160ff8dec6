"""Targets per period: the value an indicator should reach by the end of each
period (a year, a half-year, a quarter), for the indicators of projects and
the outcome indicators of plan priorities alike.

A period's target is a milestone, cumulative like the indicator's overall
target: the value to have reached by the period's end, not what is to be
achieved within the period alone (`portfolio.results` compares it with what
was achieved by that day)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.periods import report_period_problems


class PeriodTarget(models.Model):
    """Abstract base of a target for one period; concrete models add the
    indicator it belongs to (as `indicator`)."""

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(
        _("target by the end of the period"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        abstract = True
        ordering = ["period_start", "pk"]

    def __str__(self) -> str:
        return f"{date_format(self.period_start, 'SHORT_DATE_FORMAT')} – " + date_format(
            self.period_end, "SHORT_DATE_FORMAT"
        )


def target_problems(
    targets: models.QuerySet, values: dict, *, first, last, outside: str, exclude_pk=None
) -> dict[str, str]:
    """Field → message for a period target that does not fit: a negative
    value, or a period that breaks the rule of reports' periods
    (`core.periods.report_period_problems`: in order, within its record's
    dates `first`–`last`, overlapping none of `targets`, the indicator's
    other targets)."""
    problems = {}
    value = values.get("value")
    if value is not None and value < 0:
        problems["value"] = gettext("A target cannot be negative.")
    return problems | report_period_problems(
        targets,
        start=values.get("period_start"),
        end=values.get("period_end"),
        first=first,
        last=last,
        outside=outside,
        exclude_pk=exclude_pk,
        clash_message=gettext(
            "This period overlaps the target of %(start)s – %(end)s: change that target instead."
        ),
    )
