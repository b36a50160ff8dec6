"""Exchange rates by month: the list with its exports, recording a month's
rate and correcting one (fund managers and administrators, each confirmed
before it is recorded). A correction changes only the conversions made after
it: amounts already recorded keep the US dollar equivalent fixed at their date."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.security_log import logs_export
from core.lists import filtered_page
from core.views import posted
from funding import access, exports, services
from funding.filters import RateFilter, listed_rates
from funding.forms import RateEditForm, RateForm
from funding.models import ExchangeRate
from funding.views.confirmation import confirm_then_save

RATES_PER_PAGE = 50


def _filtered(request):
    filterset = RateFilter(request.GET, queryset=listed_rates())
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


@login_required
@require_safe
def rate_list(request):
    listing = filtered_page(
        request, RateFilter(request.GET, queryset=listed_rates()), per_page=RATES_PER_PAGE
    )
    context = {**listing, "can_record": access.can_record_money(request.user)}
    return render(request, "funding/rate_list.html", context)


@login_required
@require_safe
@logs_export("rates_csv")
def rate_export_csv(request):
    return exports.rates_csv(_filtered(request))


@login_required
@require_safe
@logs_export("rates_xlsx")
def rate_export_xlsx(request):
    return exports.rates_xlsx(_filtered(request))


RATE_NOTE = gettext_lazy(
    "Amounts already recorded keep the US dollar equivalent fixed at their date; "
    "this rate applies to what is recorded from now on."
)


def _question(form) -> str:
    """The confirmation's question, naming the currency and month (the
    summary leaves the currency out, as it does beside an amount)."""
    if not form.is_valid():
        return ""
    return _("Record the rate of %(currency)s for %(month)s?") % {
        "currency": form.cleaned_data["currency"],
        "month": date_format(form.cleaned_data["month"], "YEAR_MONTH_FORMAT"),
    }


def _save_rate(request):
    def save(data):
        return services.record_rate(
            by=request.user,
            currency=data["currency"],
            month=data["month"],
            units_per_usd=data["units_per_usd"],
        )

    return save


def _done(request, message: str):
    def done(result):
        messages.success(request, message)
        return redirect("funding:rate_list")

    return done


@login_required
@require_http_methods(["GET", "POST"])
def rate_create(request):
    access.require_money_rights(request.user)
    form = RateForm(posted(request))
    existing = None
    if request.method == "POST" and form.is_valid():
        # A month's rate is recorded once; changing it is a correction, on
        # its own page, never an overwrite by a new entry.
        existing = ExchangeRate.objects.filter(
            currency=form.cleaned_data["currency"], month=form.cleaned_data["month"]
        ).first()
        if existing:
            form.add_error(
                "month",
                _("The rate of %(currency)s for %(month)s is already recorded.")
                % {
                    "currency": existing.currency,
                    "month": date_format(existing.month, "YEAR_MONTH_FORMAT"),
                },
            )
    return confirm_then_save(
        request,
        form,
        save=_save_rate(request),
        done=_done(request, _("The exchange rate was recorded.")),
        template="funding/rate_form.html",
        context={
            "existing": existing,
            "cancel_url": reverse("funding:rate_list"),
            "confirm_note": RATE_NOTE,
        },
        question=_question(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate_edit(request, pk):
    rate = access.get_rate_for_edit(request.user, pk)
    form = RateEditForm(posted(request), rate=rate)
    return confirm_then_save(
        request,
        form,
        save=_save_rate(request),
        done=_done(request, _("The exchange rate was corrected.")),
        template="funding/rate_form.html",
        context={
            "rate": rate,
            "cancel_url": reverse("funding:rate_list"),
            "confirm_note": RATE_NOTE,
        },
        question=_question(form),
    )
