"""A project's money: funding approvals, tranches and expenditure, recorded by
fund managers through `funding.services`.

Each write page is the form, then the shared confirmation page
(`funding.views.confirmation.confirm_then_save`), then the project page."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.views import posted
from funding import rates
from funding import services as funding_services
from funding.figures import ZERO, delivery_rate, left_to_transfer
from funding.forms import ApprovalForm, ExpenditureForm, TrancheForm
from funding.models import Currency
from funding.money import cents, rate_text
from funding.views.confirmation import confirm_then_save
from projects import access
from projects.models import Project


def money_summary(project: Project) -> dict:
    """What the project's money stands at, in its currency and in US dollars,
    with the next tranche its mechanism's schedule proposes (one query for
    the totals, two more for the proposal while something remains to transfer).

    What is left to transfer is counted in the project's currency, and in
    dollars at the approvals' own rate. Tranches paid at other months' rates
    than the approvals' leave the dollars approved apart from those
    transferred and left: an exchange-rate difference, shown as such, never
    a balance to transfer. All at one rate, the few cents left are rounding."""
    totals = funding_services.project_totals(project)
    approved, transferred = totals["approved"], totals["transferred"]
    left = left_to_transfer(approved, transferred)
    left_usd = cents(left * totals["approved_usd"] / approved) if approved else ZERO
    difference = totals["approved_usd"] - totals["transferred_usd"] - left_usd
    return {
        **totals,
        "left_to_transfer": left,
        "left_to_transfer_usd": left_usd,
        "exchange_difference_usd": ZERO if totals["one_rate"] else difference,
        "delivery_rate": delivery_rate(totals["spent"], transferred),
        "proposed": funding_services.proposed_tranche(project, totals),
    }


def _ceiling_usd(project: Project) -> Decimal | None:
    if project.window_id:
        return project.window.effective_ceiling_usd
    return project.mechanism.ceiling_usd


def _rate_this_month(currency: str) -> dict:
    """The UN rate the project's amounts dated this month are converted at,
    or, while it is not recorded, the message that says so."""
    if currency == Currency.USD:
        return {}
    month = timezone.localdate().replace(day=1)
    try:
        units = rates.units_per_usd(currency, on=month)
    except rates.MissingRate as missing:
        return {"missing_rate": missing.messages[0]}
    return {"rate_this_month": rate_text(units, currency, month)}


def _record(request, project, form, *, money, save, kind, title, question, recorded):
    """The form page, its confirmation, then back to the project's money."""

    def done(result):
        _obj, created = result
        if created:
            messages.success(request, recorded)
        else:
            messages.info(request, _("This form had already been sent: it was recorded once."))
        return redirect(project.get_absolute_url() + "#money")

    context = {
        "project": project,
        "money": money,
        "kind": kind,
        "title": title,
        "ceiling_usd": _ceiling_usd(project),
        "cancel_url": project.get_absolute_url() + "#money",
        **_rate_this_month(project.budget_currency),
    }
    return confirm_then_save(
        request,
        form,
        save=save,
        done=done,
        template="projects/money_form.html",
        context=context,
        question=question,
    )


@login_required
@require_http_methods(["GET", "POST"])
def approval_create(request, pk):
    project = access.get_project_for_funding(request.user, pk)
    money = money_summary(project)
    form = ApprovalForm(posted(request), project=project)

    def save(data):
        return funding_services.approve_funding(
            project,
            by=request.user,
            token=data["token"],
            amount=data["amount"],
            currency=data["currency"],
            approved_on=data["approved_on"],
            decision_reference=data["decision_reference"],
            contribution=data["contribution"],
        )

    return _record(
        request,
        project,
        form,
        money=money,
        save=save,
        kind="approval",
        title=_("Record a funding approval"),
        question=_("Record this funding approval for %(code)s?") % {"code": project.code},
        recorded=_("The funding approval was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def tranche_create(request, pk):
    project = access.get_project_for_funding(request.user, pk)
    money = money_summary(project)
    # The schedule's next step and its amount, which the person may change.
    proposed = money["proposed"]
    initial = {"step": proposed[0], "amount": proposed[1]} if proposed else {}
    form = TrancheForm(posted(request), project=project, initial=initial)

    def save(data):
        return funding_services.record_tranche(
            project,
            by=request.user,
            token=data["token"],
            amount=data["amount"],
            currency=data["currency"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            step=data["step"],
        )

    return _record(
        request,
        project,
        form,
        money=money,
        save=save,
        kind="tranche",
        title=_("Record a tranche"),
        question=_("Record this tranche for %(code)s?") % {"code": project.code},
        recorded=_("The tranche was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def expenditure_create(request, pk):
    project = access.get_project_for_funding(request.user, pk)
    money = money_summary(project)
    form = ExpenditureForm(posted(request), project=project)

    def save(data):
        return funding_services.record_expenditure(
            project,
            by=request.user,
            token=data["token"],
            amount=data["amount"],
            currency=data["currency"],
            spent_on=data["spent_on"],
            category=data["category"],
            description=data["description"],
            beyond_transfers=data["beyond_transfers"],
            explanation=data["explanation"],
        )

    return _record(
        request,
        project,
        form,
        money=money,
        save=save,
        kind="expenditure",
        title=_("Record an expenditure"),
        question=_("Record this expenditure for %(code)s?") % {"code": project.code},
        recorded=_("The expenditure was recorded."),
    )
