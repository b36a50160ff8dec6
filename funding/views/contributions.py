"""Contributions and their deposits: the list with its totals and exports, one
contribution's page, and recording, editing and receiving money (fund
managers and administrators, each write confirmed before it is recorded).

Access comes from `funding.access`, every write from `funding.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.security_log import logs_export
from core.history import HistoryEntry, changes_between
from core.versioning import EditConflict
from core.views import posted
from funding import access, exports, services
from funding.figures import ZERO, available
from funding.filters import ContributionFilter, listed_contributions
from funding.forms import ContributionCreateForm, ContributionEditForm, DepositForm
from funding.models import Contribution, FundingApproval
from funding.views.confirmation import confirm_then_save

CONTRIBUTIONS_PER_PAGE = 25
# The model fields the contribution forms edit (not their token or version).
CONTRIBUTION_FIELDS = ContributionCreateForm._meta.fields


def _filtered(request):
    """The filter set of the request and the rows it selects."""
    filterset = ContributionFilter(request.GET, queryset=listed_contributions())
    # With an invalid filter the form shows the error and the list nothing,
    # rather than rows the person did not ask for.
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, rows


def _totals(filterset, rows) -> dict:
    """The totals of every filtered row (not only the page shown): one query.
    Without a filter other than the mechanism, also the approvals charged to
    no contribution (mechanisms such as QIPs approve without charging one)
    and what remains available to approve, the same figure as the
    mechanisms' ledger (one more query)."""
    totals = rows.aggregate(
        count=Count("pk"),
        pledged=Sum("pledged_usd"),
        received=Sum("received_usd"),
        approved=Sum("approved_usd"),
        available=Sum("available_usd"),
    )
    totals["not_charged"] = totals["available_to_approve"] = None
    data = filterset.form.cleaned_data if filterset.is_valid() else None
    if data is not None and not any(
        data.get(name) for name in filterset.filters if name not in ("mechanism", "ordering")
    ):
        approvals = FundingApproval.objects.filter(contribution__isnull=True)
        if data.get("mechanism"):
            approvals = approvals.filter(mechanism__code=data["mechanism"])
        not_charged = approvals.aggregate(total=Sum("amount_usd"))["total"] or ZERO
        totals["not_charged"] = not_charged
        totals["available_to_approve"] = available(
            totals["received"] or ZERO, (totals["approved"] or ZERO) + not_charged
        )
    return totals


@login_required
@require_safe
def contribution_list(request):
    filterset, rows = _filtered(request)
    totals = _totals(filterset, rows)
    paginator = Paginator(rows, CONTRIBUTIONS_PER_PAGE)
    paginator.count = totals["count"]  # counted with the totals already
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page_obj": paginator.get_page(request.GET.get("page")),
        "querystring": query.urlencode(),
        "totals": totals,
        "can_record": access.can_record_money(request.user),
    }
    return render(request, "funding/contribution_list.html", context)


@login_required
@require_safe
@logs_export("contributions_csv")
def contribution_export_csv(request):
    return exports.contributions_csv(_filtered(request)[1])


@login_required
@require_safe
@logs_export("contributions_xlsx")
def contribution_export_xlsx(request):
    return exports.contributions_xlsx(_filtered(request)[1])


def _history(contribution: Contribution) -> list[HistoryEntry]:
    """Changes to the pledge, newest first, "field: old → new" (one query: the
    related rows each change names are joined).

    Not `core.history.history_of`: it names each record with the model's
    `__str__`, and a contribution's reads its donor and mechanism, two
    queries per record. On this page the subject goes without saying."""
    records = contribution.history.select_related(
        "history_user", "donor", "mechanism", "earmark_region"
    ).order_by("history_date", "history_id")
    subject = _("The contribution")
    entries, previous = [], None
    for record in records:
        changes = changes_between(Contribution, previous, record) if previous else []
        if record.history_type != "~" or changes:
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=record.history_user,
                    subject=subject,
                    kind=record.history_type,
                    changes=changes,
                )
            )
        previous = record
    entries.reverse()
    return entries


@login_required
@require_safe
def contribution_detail(request, pk):
    # Every signed-in person reads every contribution (funding.access); the
    # row comes with its figures, as on the list.
    contribution = get_object_or_404(listed_contributions(), pk=pk)
    context = {
        "contribution": contribution,
        "deposits": contribution.deposits.select_related("recorded_by"),
        "approvals": contribution.approvals.select_related("project"),
        "history": _history(contribution),
        "can_record": access.can_record_money(request.user),
    }
    return render(request, "funding/contribution_detail.html", context)


# --- Recording money ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contribution_create(request):
    access.require_money_rights(request.user)
    form = ContributionCreateForm(posted(request))

    def save(data):
        fields = {name: data[name] for name in CONTRIBUTION_FIELDS}
        return services.record_contribution(by=request.user, token=data["token"], **fields)

    def done(result):
        contribution, created = result
        if created:
            messages.success(request, _("The contribution was recorded."))
        else:
            messages.info(
                request, _("This form had already been sent: the contribution is recorded once.")
            )
        return redirect(contribution)

    return confirm_then_save(
        request,
        form,
        save=save,
        done=done,
        template="funding/contribution_form.html",
        context={"cancel_url": reverse("funding:contribution_list")},
        question=_("Record this contribution?"),
    )


def _with_version(request, version: int):
    """The posted form again, as if opened at `version`: saving it re-applies
    the person's values over what the other person saved."""
    data = request.POST.copy()
    data["version"] = version
    data.pop("confirmed", None)
    return data


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk):
    contribution = access.get_contribution_for_money(request.user, pk)
    # The name as saved, for the page's title: validating the form writes the
    # posted values onto the instance.
    saved_name = str(contribution)
    form = ContributionEditForm(
        posted(request), instance=contribution, initial={"version": contribution.version}
    )
    template = "funding/contribution_form.html"
    context = {
        "contribution": contribution,
        "saved_name": saved_name,
        "cancel_url": contribution.get_absolute_url(),
    }

    def save(data):
        # The service compares the posted values with the row it reads again
        # under lock: the form's instance already holds the posted values.
        fields = {name: data[name] for name in CONTRIBUTION_FIELDS}
        return services.edit_contribution(
            contribution.pk, by=request.user, version=data["version"], **fields
        )

    def done(edited):
        messages.success(request, _("The contribution was saved."))
        return redirect(edited)

    try:
        return confirm_then_save(
            request,
            form,
            save=save,
            done=done,
            template=template,
            context=context,
            question=_("Save these changes to the contribution?"),
        )
    except EditConflict as conflict:
        current = access.get_contribution(pk)
        retry = ContributionEditForm(_with_version(request, current.version), instance=current)
        context = {
            **context,
            "form": retry,
            "contribution": current,
            "saved_name": str(current),
            "conflict": conflict,
        }
        return render(request, template, context, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def deposit_create(request, pk):
    contribution = access.get_contribution_for_money(request.user, pk)
    form = DepositForm(posted(request), initial={"currency": contribution.currency})

    def save(data):
        return services.record_deposit(
            contribution,
            by=request.user,
            token=data["token"],
            amount=data["amount"],
            currency=data["currency"],
            received_on=data["received_on"],
            reference=data["reference"],
            is_increase=data["is_increase"],
        )

    def done(result):
        _deposit, created = result
        if created:
            messages.success(request, _("The deposit was recorded."))
        else:
            messages.info(
                request, _("This form had already been sent: the deposit is recorded once.")
            )
        return redirect(contribution)

    return confirm_then_save(
        request,
        form,
        save=save,
        done=done,
        template="funding/deposit_form.html",
        context={
            "contribution": contribution,
            "received": services.received(contribution),
            "cancel_url": contribution.get_absolute_url(),
        },
        question=_("Record this deposit?"),
    )
