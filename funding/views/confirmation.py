"""Money is recorded in two steps: the form, then a page that shows what will
be recorded and asks to confirm it. The figures are checked by the service
already at the first step (and rolled back), so that a refusal shows on the
form, before anyone confirms anything; the confirmation shows the US dollar
equivalent and the rate the service fixed in that trial."""

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.forms import show_errors
from funding.models import Currency, Money
from funding.money import format_money


class _DryRun(Exception):
    """Raised to roll back the trial save of the first step, with what it saved."""

    def __init__(self, saved):
        super().__init__()
        self.saved = saved


def _amount(value: Decimal, currency: str, row: Money | None) -> str:
    """An amount and, from the row the trial made, its US dollar equivalent
    at the rate used: "24 000 000,00 XOF — 37 422,23 USD at 641,33 XOF per
    USD (UN rate of March 2026)"."""
    shown = format_money(value, currency)
    if row is None or row.currency == Currency.USD:
        return shown
    usd = _("%(usd)s at %(rate)s") % {
        "usd": format_money(row.amount_usd, Currency.USD),
        "rate": row.rate_used,
    }
    return f"{shown} — {usd}"


def summary(form: forms.Form, row: Money | None = None) -> list[tuple[str, str]]:
    """What the form will record, field by field, as a person reads it; the
    amount with the equivalent of `row`, the money row of the trial."""
    rows = []
    currency = form.cleaned_data.get("currency", "")
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput) or name == "currency":
            continue
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if isinstance(field, forms.DecimalField) and currency and name == "amount":
            shown = _amount(value, currency, row)
        elif isinstance(field, forms.BooleanField):
            shown = _("Yes") if value else _("No")
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            shown = str(dict(field.choices).get(value, value))
        elif isinstance(field, forms.ModelChoiceField):
            shown = field.label_from_instance(value)
        else:
            shown = value
        rows.append((str(field.label), shown))
    return rows


def confirm_then_save(
    request,
    form: forms.Form,
    *,
    save: Callable[[dict], object],
    done: Callable[[object], HttpResponse],
    template: str,
    context: dict,
    question: str,
) -> HttpResponse:
    """Show `form`; once it is valid and the service accepts it, show the
    confirmation page; once confirmed, `save` for real and return `done`.

    `save(cleaned_data)` calls the service and returns what it recorded (a
    row, or the service's (row, created)); a ValidationError it raises is
    shown on the form.
    """
    context = {**context, "form": form}
    if request.method != "POST" or not form.is_valid() or "change" in request.POST:
        return render(request, template, context)
    try:
        if request.POST.get("confirmed") == "yes":
            return done(save(form.cleaned_data))
        with transaction.atomic():
            raise _DryRun(save(form.cleaned_data))
    except _DryRun as trial:
        saved = trial.saved[0] if isinstance(trial.saved, tuple) else trial.saved
        row = saved if isinstance(saved, Money) else None  # not, e.g., an exchange rate
        return render(
            request,
            "funding/confirm.html",
            {**context, "question": question, "summary": summary(form, row)},
        )
    except ValidationError as error:
        show_errors(form, error)
    return render(request, template, context)
