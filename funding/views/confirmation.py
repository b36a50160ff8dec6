"""Money is recorded in two steps: the form, then a page that shows what will
be recorded and asks to confirm it. The figures are checked by the service
already at the first step (and rolled back), so that a refusal shows on the
form, before anyone confirms anything."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from funding.money import format_money
from reviews.forms import show_errors


class _DryRun(Exception):
    """Raised to roll back the trial save of the first step."""


def summary(form: forms.Form) -> list[tuple[str, str]]:
    """What the form will record, field by field, as a person reads it."""
    rows = []
    currency = form.cleaned_data.get("currency", "")
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput) or name == "currency":
            continue
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if isinstance(field, forms.DecimalField) and currency and name == "amount":
            shown = format_money(value, currency)
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

    `save(cleaned_data)` calls the service and returns what it recorded; a
    ValidationError it raises is shown on the form.
    """
    context = {**context, "form": form}
    if request.method != "POST" or not form.is_valid() or "change" in request.POST:
        return render(request, template, context)
    try:
        if request.POST.get("confirmed") == "yes":
            return done(save(form.cleaned_data))
        with transaction.atomic():
            save(form.cleaned_data)
            raise _DryRun
    except _DryRun:
        return render(
            request,
            "funding/confirm.html",
            {**context, "question": question, "summary": summary(form)},
        )
    except ValidationError as error:
        show_errors(form, error)
    return render(request, template, context)
