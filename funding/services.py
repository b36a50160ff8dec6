"""Every write of money: contributions and deposits, exchange rates, and a
project's funding approvals, tranches and expenditure.

Each function runs in one transaction, locks the rows that hold the balance it
checks (the project, then the contribution: always in that order, so that two
writers never wait for each other), re-reads the totals under the lock, and
refuses with a ValidationError naming the field and the figures. The USD
equivalent of every amount is fixed here, at the rate of its date, and the
rate is kept with it.

Dates hold here too, whatever the entry point (pages, imports, admin, demo
data): no money is dated more than `MONEY_FUTURE_DAYS` after today; no tranche
before the project's first approval, none of the completion step before the
project is completed; no spending before the first tranche unless it is
flagged as beyond the money transferred and explained.

Projects are passed in by the projects app, which calls these functions; this
app never imports it.
"""

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Min, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from core.versioning import create_once, save_versioned
from funding import rates, rules
from funding.figures import left_to_transfer, total
from funding.models import (
    Contribution,
    Currency,
    Deposit,
    ExchangeRate,
    Expenditure,
    FundingApproval,
    Tranche,
    TrancheStep,
)
from funding.money import format_money

ZERO = Decimal("0")


def _require_money_rights(user) -> None:
    if not access.can_manage_money(user):
        raise PermissionDenied


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def too_far_ahead(day: datetime.date) -> str | None:
    """Why money cannot be dated `day`, or None when it can: at most
    `MONEY_FUTURE_DAYS` after today (0 by default: nothing ahead of today).
    The forms say it too, before the service is called."""
    ahead = settings.MONEY_FUTURE_DAYS
    today = timezone.localdate()
    latest = today + datetime.timedelta(days=ahead)
    if day <= latest:
        return None
    if not ahead:
        return _(
            "This date is in the future. Money is recorded once it has happened: "
            "%(date)s is after today, %(today)s."
        ) % {"date": _day(day), "today": _day(today)}
    return ngettext(
        "This date is too far ahead: money may be dated at most %(days)d day after "
        "today, %(latest)s at the latest, not %(date)s.",
        "This date is too far ahead: money may be dated at most %(days)d days after "
        "today, %(latest)s at the latest, not %(date)s.",
        ahead,
    ) % {"days": ahead, "latest": _day(latest), "date": _day(day)}


def _not_too_far_ahead(field: str, day: datetime.date) -> None:
    problem = too_far_ahead(day)
    if problem:
        raise ValidationError({field: problem})


def _in_usd(amount: Decimal, currency: str, *, on: datetime.date, field: str) -> dict:
    """The US dollar fields of a money row: `amount` at the UN rate of the
    month of `on`, and that rate. A missing rate is refused on `field`."""
    try:
        rate = rates.units_per_usd(currency, on=on)
    except rates.MissingRate as missing:
        raise ValidationError({field: missing.messages}) from missing
    return {"amount_usd": rates.convert(amount, rate), "units_per_usd": rate}


def _total(queryset, field: str = "amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


def _create(model, **fields):
    """A new money row, its history entry naming who recorded it."""
    instance = model(**fields)
    instance._history_user = fields["recorded_by"]
    instance.save()
    return instance


# --- Contributions and deposits ---------------------------------------------------


def received(contribution: Contribution) -> Decimal:
    """Deposited so far, in the contribution's currency."""
    return _total(contribution.deposits.all())


def available_usd(contribution: Contribution) -> Decimal:
    """Received and not yet approved for a project, in US dollars."""
    deposited = _total(contribution.deposits.all(), "amount_usd")
    return deposited - _total(contribution.approvals.all(), "amount_usd")


def record_contribution(
    *, by, token: uuid.UUID | None = None, **fields
) -> tuple[Contribution, bool]:
    """A donor's pledge; returns (contribution, created). A form posted twice
    records it once."""
    _require_money_rights(by)
    _not_too_far_ahead("pledged_on", fields["pledged_on"])
    fields |= _in_usd(
        fields["amount"], fields["currency"], on=fields["pledged_on"], field="pledged_on"
    )
    with transaction.atomic():
        return create_once(Contribution, by=by, token=token, recorded_by=by, **fields)


# What the approvals charged to a contribution were decided on: once one is
# charged, these stay as they are.
CHARGED_BASIS = ("donor", "mechanism", "currency", "earmark_region", "earmark_pillar")


def _key(value):
    return value.pk if isinstance(value, models.Model) else value


def _keeps_its_basis(saved: Contribution, fields: dict) -> None:
    """Refuse, on each field, a change of what approvals charged to `saved`
    (as the database holds it) were decided on."""
    changed = [
        name
        for name in CHARGED_BASIS
        if name in fields
        and _key(fields[name]) != getattr(saved, Contribution._meta.get_field(name).attname)
    ]
    if not changed:
        return
    decisions = list(
        saved.approvals.order_by("approved_on", "pk").values_list("decision_reference", flat=True)
    )
    if not decisions:
        return
    shown = ", ".join(decisions[:3]) + (", …" if len(decisions) > 3 else "")
    message = ngettext(
        "The funding approval %(decisions)s is charged to this contribution: it keeps "
        "the donor, mechanism, currency and earmark the approval was decided on.",
        "%(count)d funding approvals (%(decisions)s) are charged to this contribution: it "
        "keeps the donor, mechanism, currency and earmark they were decided on.",
        len(decisions),
    ) % {"count": len(decisions), "decisions": shown}
    raise ValidationError(dict.fromkeys(changed, message))


def edit_contribution(contribution_id: int, *, by, version: int, **fields) -> Contribution:
    """Change a pledge to the posted `fields`, compared with the contribution as
    the database holds it, read again under lock (never with a form's
    instance, which validating the form already changed).

    Once a funding approval is charged to it, its donor, mechanism, currency and
    earmark (region, pillar) are locked. Its currency may change only while
    nothing is deposited, and its amount never falls below what regular
    deposits brought, so never below what approvals charged to it drew either
    (they never exceed what was received)."""
    _require_money_rights(by)
    _not_too_far_ahead("pledged_on", fields["pledged_on"])
    with transaction.atomic():
        locked = Contribution.objects.select_for_update().get(pk=contribution_id)
        _keeps_its_basis(locked, fields)
        regular = locked.deposits.filter(is_increase=False)
        if fields["currency"] != locked.currency and locked.deposits.exists():
            raise ValidationError(
                {
                    "currency": _("Money was already received in %(currency)s.")
                    % {"currency": locked.currency}
                }
            )
        already = _total(regular)
        if fields["amount"] < already:
            raise ValidationError(
                {
                    "amount": _("%(received)s is already received: the pledge cannot be less.")
                    % {"received": format_money(already, locked.currency)}
                }
            )
        fields |= _in_usd(
            fields["amount"], fields["currency"], on=fields["pledged_on"], field="pledged_on"
        )
        return save_versioned(locked, by=by, version=version, **fields)


def record_deposit(
    contribution: Contribution,
    *,
    by,
    token: uuid.UUID | None = None,
    amount: Decimal,
    currency: str,
    received_on: datetime.date,
    reference: str = "",
    is_increase: bool = False,
) -> tuple[Deposit, bool]:
    """Money of a contribution received; returns (deposit, created).

    A regular deposit never brings what was received above the pledge; one
    marked as an increase may.
    """
    _require_money_rights(by)
    _not_too_far_ahead("received_on", received_on)
    with transaction.atomic():
        locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
        if token and Deposit.objects.filter(creation_token=token).exists():
            return Deposit.objects.get(creation_token=token), False
        if currency != locked.currency:
            raise ValidationError(
                {
                    "currency": _(
                        "This contribution was pledged in %(currency)s: "
                        "record its deposits in %(currency)s."
                    )
                    % {"currency": locked.currency}
                }
            )
        if not is_increase:
            after = _total(locked.deposits.filter(is_increase=False)) + amount
            if after > locked.amount:
                raise ValidationError(
                    {
                        "amount": _(
                            "This deposit would bring what was received to %(after)s, above "
                            "the %(pledged)s pledged. If the donor gave more, mark it as an "
                            "increase of the pledge."
                        )
                        % {
                            "after": format_money(after, currency),
                            "pledged": format_money(locked.amount, currency),
                        }
                    }
                )
        deposit = _create(
            Deposit,
            contribution=locked,
            amount=amount,
            currency=currency,
            **_in_usd(amount, currency, on=received_on, field="received_on"),
            received_on=received_on,
            reference=reference,
            is_increase=is_increase,
            recorded_by=by,
            creation_token=token,
        )
        return deposit, True


# --- Exchange rates ----------------------------------------------------------------


def record_rate(*, by, currency: str, month: datetime.date, units_per_usd: Decimal):
    """Record (or correct) the UN operational rate of `currency` for `month`;
    returns (rate, created). Amounts already recorded keep the equivalent
    fixed when they were."""
    _require_money_rights(by)
    with transaction.atomic():
        rate = (
            ExchangeRate.objects.select_for_update()
            .filter(currency=currency, month=month.replace(day=1))
            .first()
        )
        created = rate is None
        if created:
            rate = ExchangeRate(currency=currency, month=month.replace(day=1))
        rate.units_per_usd = units_per_usd
        rate._history_user = by
        rate.full_clean()
        rate.save()
        return rate, created


# --- A project's money -------------------------------------------------------------


def _lock_project(project):
    # The project row is the lock every write of a project's money takes
    # first; its model is reached through the instance, never imported.
    locked = type(project)._default_manager.select_for_update().get(pk=project.pk)
    if locked.is_finished:
        raise ValidationError(_("This project is closed or cancelled: its money is locked."))
    return locked


def _in_project_currency(project, currency: str) -> None:
    if currency != project.budget_currency:
        raise ValidationError(
            {
                "currency": _(
                    "The money of %(project)s is counted in %(currency)s, the currency "
                    "of its budget."
                )
                % {"project": project.code, "currency": project.budget_currency}
            }
        )


def project_totals(project) -> dict:
    """Approved, transferred and spent, in the project's currency and in
    US dollars, and whether the approvals and tranches were all converted at
    one rate (`one_rate`: their equivalents then differ only by rounding).
    One query: each sum is a subquery of the project's row."""
    sources = (
        ("approved", FundingApproval),
        ("transferred", Tranche),
        ("spent", Expenditure),
    )
    sums = {}
    for name, model in sources:
        rows = model.objects.filter(project=OuterRef("pk")).order_by().values("project")
        for suffix, aggregate in (
            ("", Sum("amount")),
            ("_usd", Sum("amount_usd")),
            ("_lowest", Min("units_per_usd")),
            ("_highest", Max("units_per_usd")),
        ):
            if name == "spent" and suffix in ("_lowest", "_highest"):
                continue
            sums[f"{name}{suffix}"] = Subquery(rows.annotate(total=aggregate).values("total"))
    row = type(project).objects.filter(pk=project.pk).values(**sums).get()
    totals, rates_used = {}, set()
    for name, _model in sources:
        totals[name] = row[name] or ZERO
        totals[f"{name}_usd"] = row[f"{name}_usd"] or ZERO
        if name != "spent":
            rates_used |= {row[f"{name}_lowest"], row[f"{name}_highest"]} - {None}
    totals["one_rate"] = len(rates_used) <= 1
    return totals


def eligible_contributions(project) -> models.QuerySet:
    """The contributions to the project's mechanism whose earmark allows it,
    each with what it has received and not yet approved (`available_usd`)."""
    pillar = project.priority.pillar if project.priority_id else None
    return (
        Contribution.objects.filter(mechanism=project.mechanism_id)
        .filter(models.Q(earmark_region__isnull=True) | models.Q(earmark_region=project.region_id))
        .filter(models.Q(earmark_pillar="") | models.Q(earmark_pillar=pillar or ""))
        .select_related("donor", "earmark_region")
        .annotate(
            available_usd=total(Deposit.objects.filter(contribution=OuterRef("pk")))
            - total(FundingApproval.objects.filter(contribution=OuterRef("pk")))
        )
        .order_by("pledged_on", "pk")
    )


def approve_funding(
    project,
    *,
    by,
    token: uuid.UUID | None = None,
    amount: Decimal,
    currency: str,
    approved_on: datetime.date,
    decision_reference: str,
    contribution: Contribution | None = None,
) -> tuple[FundingApproval, bool]:
    """Record the committee's approval of `project`'s funding; returns
    (approval, created).

    Holds, under lock: the mechanism's rules for everything approved so far
    (ceiling, duration), and where the mechanism approves only money received,
    the balance of the contribution charged, whose earmark must allow the
    project. Two approvals at the same moment wait for each other, and the
    second sees the first.
    """
    _require_money_rights(by)
    _not_too_far_ahead("approved_on", approved_on)
    with transaction.atomic():
        project = _lock_project(project)
        if token and FundingApproval.objects.filter(creation_token=token).exists():
            return FundingApproval.objects.get(creation_token=token), False
        _in_project_currency(project, currency)
        mechanism = project.mechanism
        in_usd = _in_usd(amount, currency, on=approved_on, field="approved_on")
        total = _total(project.funding_approvals.all()) + amount
        problems = rules.check_project(
            mechanism=mechanism,
            window=project.window,
            budget=total,
            currency=currency,
            start=project.planned_start,
            end=project.planned_end,
            on=approved_on,
            implementer=project.implementing_partner,
        )
        if problems:
            raise ValidationError({"amount": problems})
        if contribution is None and mechanism.limited_to_receipts:
            raise ValidationError(
                {
                    "contribution": _(
                        "%(mechanism)s approves only money received: choose the "
                        "contribution that funds this project."
                    )
                    % {"mechanism": mechanism}
                }
            )
        if contribution is not None:
            contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
            _check_contribution(contribution, project, in_usd["amount_usd"])
        approval = _create(
            FundingApproval,
            project=project,
            mechanism=mechanism,
            contribution=contribution,
            amount=amount,
            currency=currency,
            **in_usd,
            approved_on=approved_on,
            approving_body=mechanism.approving_body,
            decision_reference=decision_reference,
            recorded_by=by,
            creation_token=token,
        )
        return approval, True


def _check_contribution(contribution: Contribution, project, amount_usd: Decimal) -> None:
    if contribution.mechanism_id != project.mechanism_id:
        raise ValidationError(
            {"contribution": _("This contribution is not made to the project's mechanism.")}
        )
    if not contribution.may_fund(project):
        raise ValidationError(
            {
                "contribution": _("This contribution is earmarked for %(earmark)s.")
                % {"earmark": contribution.earmark}
            }
        )
    balance = available_usd(contribution)
    if amount_usd > balance:
        raise ValidationError(
            {
                "amount": _(
                    "This approval (%(amount)s) is more than the %(balance)s of the "
                    "contribution received and not yet approved."
                )
                % {
                    "amount": format_money(amount_usd, Currency.USD),
                    "balance": format_money(max(balance, ZERO), Currency.USD),
                }
            }
        )


def proposed_tranche(project, totals: dict[str, Decimal] | None = None):
    """The next tranche the mechanism's schedule proposes, as (step, amount),
    or (None, what remains to transfer) for a mechanism without a schedule;
    None when everything approved is transferred.

    A step's amount is its share of the approved amount; the last step pays
    what remains, so that rounding never leaves a cent behind.
    """
    totals = totals or project_totals(project)
    remaining = left_to_transfer(totals["approved"], totals["transferred"])
    if remaining <= 0:
        return None
    steps = list(TrancheStep.objects.filter(mechanism=project.mechanism_id))
    if not steps:
        return None, remaining
    paid = set(project.tranches.exclude(step=None).values_list("step", flat=True))
    unpaid = [step for step in steps if step.pk not in paid]
    if not unpaid:
        return None, remaining
    step = unpaid[0]
    if step is steps[-1]:
        return step, remaining
    share = (totals["approved"] * step.percent / 100).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return step, min(share, remaining)


def record_tranche(
    project,
    *,
    by,
    token: uuid.UUID | None = None,
    amount: Decimal,
    currency: str,
    paid_on: datetime.date,
    reference: str,
    step: TrancheStep | None = None,
) -> tuple[Tranche, bool]:
    """A transfer to the implementing partner; returns (tranche, created).
    What is transferred never exceeds what is approved; nothing is paid before
    the project's first approval, and the step paid at completion only once the
    project is completed."""
    _require_money_rights(by)
    _not_too_far_ahead("paid_on", paid_on)
    with transaction.atomic():
        project = _lock_project(project)
        if token and Tranche.objects.filter(creation_token=token).exists():
            return Tranche.objects.get(creation_token=token), False
        _in_project_currency(project, currency)
        if step is not None:
            _payable_step(project, step, amount)
        approvals = project.funding_approvals.aggregate(
            total=Sum("amount"), first=Min("approved_on")
        )
        if approvals["first"] is not None and paid_on < approvals["first"]:
            raise ValidationError(
                {
                    "paid_on": _(
                        "A tranche is paid after the project's funding is approved: this one "
                        "is dated %(date)s, before the first approval of %(project)s, on "
                        "%(approved_on)s."
                    )
                    % {
                        "date": _day(paid_on),
                        "project": project.code,
                        "approved_on": _day(approvals["first"]),
                    }
                }
            )
        approved = approvals["total"] or ZERO
        after = _total(project.tranches.all()) + amount
        if after > approved:
            raise ValidationError(
                {
                    "amount": _(
                        "This tranche would bring the transfers to %(after)s, above the "
                        "%(approved)s approved."
                    )
                    % {
                        "after": format_money(after, currency),
                        "approved": format_money(approved, currency),
                    }
                }
            )
        tranche = _create(
            Tranche,
            project=project,
            step=step,
            amount=amount,
            currency=currency,
            **_in_usd(amount, currency, on=paid_on, field="paid_on"),
            paid_on=paid_on,
            reference=reference,
            recorded_by=by,
            creation_token=token,
        )
        return tranche, True


def _payable_step(project, step: TrancheStep, amount: Decimal) -> None:
    """A step of the project's own schedule, not yet paid, reached by the
    project, and paying at most its share (`rules.tranche_step_problems`)."""
    if step.mechanism_id != project.mechanism_id:
        raise ValidationError({"step": _("This step belongs to another mechanism.")})
    problems = rules.tranche_step_problems(
        step,
        amount,
        schedule=list(TrancheStep.objects.filter(mechanism=project.mechanism_id)),
        approved=rules.approved_amount(project),
        currency=project.budget_currency,
        paid=rules.paid_steps(project),
    )
    if problems:
        raise ValidationError({problem.concerns: [str(problem)] for problem in problems})
    # Closed projects would do too, but they take no more money (`_lock_project`).
    completed = (project.Status.COMPLETED, project.Status.CLOSED)
    if step.milestone == TrancheStep.Milestone.COMPLETION and project.status not in completed:
        raise ValidationError(
            {
                "step": _(
                    "The tranche “%(step)s” is paid once the project is completed; "
                    "%(project)s is %(status)s."
                )
                % {
                    "step": step,
                    "project": project.code,
                    "status": project.get_status_display(),
                }
            }
        )


def record_expenditure(
    project,
    *,
    by,
    token: uuid.UUID | None = None,
    amount: Decimal,
    currency: str,
    spent_on: datetime.date,
    category: str,
    description: str = "",
    beyond_transfers: bool = False,
    explanation: str = "",
) -> tuple[Expenditure, bool]:
    """Spending the partner reported; returns (expenditure, created).
    Spending beyond what was transferred, or before the first tranche, needs
    the flag and an explanation."""
    _require_money_rights(by)
    _not_too_far_ahead("spent_on", spent_on)
    explanation = explanation.strip()
    if beyond_transfers and not explanation:
        raise ValidationError(
            {"explanation": _("Explain why the partner spent more than it received.")}
        )
    with transaction.atomic():
        project = _lock_project(project)
        if token and Expenditure.objects.filter(creation_token=token).exists():
            return Expenditure.objects.get(creation_token=token), False
        _in_project_currency(project, currency)
        tranches = project.tranches.aggregate(total=Sum("amount"), first=Min("paid_on"))
        if tranches["first"] is not None and spent_on < tranches["first"] and not beyond_transfers:
            raise ValidationError(
                {
                    "spent_on": _(
                        "This expenditure is dated %(date)s, before the first tranche to "
                        "%(project)s, paid on %(paid_on)s. If the partner spent before it "
                        "received money, tick “beyond the money transferred” and explain."
                    )
                    % {
                        "date": _day(spent_on),
                        "project": project.code,
                        "paid_on": _day(tranches["first"]),
                    }
                }
            )
        transferred = tranches["total"] or ZERO
        after = _total(project.expenditures.all()) + amount
        if after > transferred and not beyond_transfers:
            raise ValidationError(
                {
                    "amount": _(
                        "This would bring the spending to %(after)s, above the "
                        "%(transferred)s transferred. If that is right, tick "
                        "“beyond the money transferred” and explain."
                    )
                    % {
                        "after": format_money(after, currency),
                        "transferred": format_money(transferred, currency),
                    }
                }
            )
        expenditure = _create(
            Expenditure,
            project=project,
            amount=amount,
            currency=currency,
            **_in_usd(amount, currency, on=spent_on, field="spent_on"),
            spent_on=spent_on,
            category=category,
            description=description,
            beyond_transfers=beyond_transfers,
            explanation=explanation,
            recorded_by=by,
            creation_token=token,
        )
        return expenditure, True


# --- Corrections by an administrator -------------------------------------------------


def deletion_problems(record) -> list[str]:
    """Why deleting this money row would break an invariant (empty when it
    would not): administrators correct a mistaken entry by deleting it, and
    its history keeps what it was and who deleted it."""
    if isinstance(record, Contribution):
        if record.deposits.exists() or record.approvals.exists():
            return [_("Money was received or approved on this contribution.")]
    elif isinstance(record, Deposit):
        contribution = record.contribution
        left = _total(contribution.deposits.exclude(pk=record.pk), "amount_usd")
        if _total(contribution.approvals.all(), "amount_usd") > left:
            return [_("Without this deposit, the approvals charged to it would exceed receipts.")]
    elif isinstance(record, FundingApproval):
        others = record.project.funding_approvals.exclude(pk=record.pk)
        left = others.aggregate(total=Sum("amount"), first=Min("approved_on"))
        if _total(record.project.tranches.all()) > (left["total"] or ZERO):
            return [_("Without this approval, the tranches paid would exceed the approvals.")]
        if left["first"] and record.project.tranches.filter(paid_on__lt=left["first"]).exists():
            return [_("Without this approval, a tranche would be dated before the first approval.")]
    elif isinstance(record, Tranche):
        project = record.project
        others = project.tranches.exclude(pk=record.pk)
        left = others.aggregate(total=Sum("amount"), first=Min("paid_on"))
        unexplained = not project.expenditures.filter(beyond_transfers=True).exists()
        if unexplained and _total(project.expenditures.all()) > (left["total"] or ZERO):
            return [_("Without this tranche, the spending would exceed the transfers.")]
        unflagged = project.expenditures.filter(beyond_transfers=False)
        if left["first"]:
            unflagged = unflagged.filter(spent_on__lt=left["first"])
        if unflagged.exists():
            return [
                _(
                    "Without this tranche, spending not flagged as beyond the money "
                    "transferred would be dated before the first tranche."
                )
            ]
    return []


def delete_record(record, *, by) -> None:
    """Delete a mistaken money row if no invariant depends on it."""
    _require_money_rights(by)
    with transaction.atomic():
        if getattr(record, "project_id", None):
            type(record.project)._default_manager.select_for_update().get(pk=record.project_id)
        contribution_id = record.pk if isinstance(record, Contribution) else None
        contribution_id = contribution_id or getattr(record, "contribution_id", None)
        if contribution_id:
            Contribution.objects.select_for_update().get(pk=contribution_id)
        problems = deletion_problems(record)
        if problems:
            raise ValidationError(problems)
        record._history_user = by
        record.delete()
