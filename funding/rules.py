"""The rules a financing mechanism carries as data, checked wherever a project
is submitted, approved or changed. One function, called by the projects app
(which funding never imports).

Each problem is the sentence people read, with its figures (the duration and
the latest allowed end, the cost in dollars and the rate used), and says what
it concerns, so that a form can show it on its field."""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from funding import rates
from funding.models import Currency, Mechanism, TrancheStep, Window
from funding.money import format_money, format_whole, rate_text


class Problem(str):
    """A broken rule: the sentence people read, which is the string itself,
    with what it `concerns` (the keyword of `check_project` it is about:
    "budget", "end", "window", "implementer" or "indirect_costs"; None for
    the project as a whole) and its `figures` (the values the sentence
    quotes, by name)."""

    concerns: str | None
    figures: dict

    def __new__(cls, message: str, *, concerns: str | None = None, figures: dict | None = None):
        problem = super().__new__(cls, message)
        problem.concerns = concerns
        problem.figures = figures or {}
        return problem


def months_between(start: datetime.date, end: datetime.date) -> Decimal:
    """Calendar months from start to end, counting a started month by its days:
    1 January to 30 June is 6 months; to 1 July, a little more than 6."""
    whole = (end.year - start.year) * 12 + (end.month - start.month)
    days = end.day - start.day + 1
    return Decimal(whole) + Decimal(days) / Decimal(31)


def latest_end(start: datetime.date, months: int) -> datetime.date:
    """The last day a project that starts on `start` may end and last at most
    `months` as `months_between` counts them: 1 January and 6 months, 30
    June; 15 December and 6 months, 14 June; 31 January and one month, the
    last day of February."""
    if start.day == 1:
        index = start.month - 1 + months - 1
        year, month = start.year + index // 12, index % 12 + 1
        return datetime.date(year, month, calendar.monthrange(year, month)[1])
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(start.day - 1, calendar.monthrange(year, month)[1]))


def duration(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """How long a project from `start` to `end` (both days included) lasts, as
    (whole months, days beyond them), counted as `months_between` does."""
    months = 0
    while latest_end(start, months + 1) <= end:
        months += 1
    return months, (end - latest_end(start, months)).days


def duration_text(months: int, days: int) -> str:
    """ "14 months", "6 months and 15 days", "20 days"."""
    month_text = ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    day_text = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if not days:
        return month_text
    if not months:
        return day_text
    return _("%(months)s and %(days)s") % {"months": month_text, "days": day_text}


def _ceiling_text(ceiling: Decimal) -> str:
    # Ceilings are round sums: "50 000 USD", not "50 000,00 USD".
    if ceiling == ceiling.to_integral_value():
        return f"{format_whole(ceiling)}\u00a0{Currency.USD}"
    return format_money(ceiling, Currency.USD)


def check_project(
    *,
    mechanism: Mechanism,
    window: Window | None,
    budget: Decimal | None,
    currency: str | None,
    start: datetime.date | None,
    end: datetime.date | None,
    on: datetime.date | None = None,
    implementer=None,
    indirect_costs: Decimal | None = None,
) -> list[Problem]:
    """The rules of `mechanism` (and `window`) that this project breaks, each
    a `Problem` quoting the rule with its figures; empty when it complies.

    A budget in another currency is converted at the rate of the month of `on`
    (today by default); without that rate the ceiling cannot be checked, which
    is itself a problem that names the currency and the month. `implementer`,
    the implementing partner once named, must be a local actor where the
    mechanism says so (`coordination.models.Organisation.is_local`).
    `indirect_costs`, the part of the budget that pays the implementer's
    indirect support costs once stated, may be at most the mechanism's rate
    of the direct costs (the rest of the budget).
    """
    problems = []
    name = window or mechanism
    ceiling = window.effective_ceiling_usd if window else mechanism.ceiling_usd
    if ceiling is not None and budget is not None and currency:
        problems.extend(
            _ceiling_problems(name, ceiling, budget, currency, on or timezone.localdate())
        )
    limit = window.effective_max_duration_months if window else mechanism.max_duration_months
    if limit and start and end and months_between(start, end) > limit:
        problems.append(_duration_problem(name, limit, start, end))
    if window is not None and window.mechanism_id != mechanism.pk:
        problems.append(
            Problem(
                _("The window %(window)s does not belong to %(mechanism)s.")
                % {"window": window, "mechanism": mechanism},
                concerns="window",
            )
        )
    if implementer is not None and mechanism.local_implementers_only and not implementer.is_local:
        problems.append(
            Problem(
                _(
                    "%(mechanism)s projects are implemented by local actors (a national NGO or "
                    "civil society, a local authority, a government service or a Malian "
                    "company); %(partner)s is a %(kind)s."
                )
                % {
                    "mechanism": mechanism,
                    "partner": implementer,
                    "kind": implementer.get_kind_display(),
                },
                concerns="implementer",
            )
        )
    problems.extend(_indirect_cost_problems(mechanism, budget, currency, indirect_costs))
    if window is None:
        windows = [str(each) for each in mechanism.windows.all()]
        if windows:
            # Without its window, a project would escape the window's limits.
            problems.append(
                Problem(
                    _("%(mechanism)s projects must name their window (%(windows)s).")
                    % {"mechanism": mechanism, "windows": ", ".join(windows)},
                    concerns="window",
                )
            )
    return problems


def _ceiling_problems(
    name, ceiling: Decimal, budget: Decimal, currency: str, on: datetime.date
) -> list[Problem]:
    """The cost in dollars over the ceiling, with the rate used; or the rate
    that is missing to know it."""
    try:
        units = rates.units_per_usd(currency, on=on)
    except rates.MissingRate as missing:
        return [Problem(message, concerns="budget") for message in missing.messages]
    budget_usd = rates.convert(budget, units)
    if budget_usd <= ceiling:
        return []
    figures = {"ceiling_usd": ceiling, "budget_usd": budget_usd, "budget": budget}
    values = {
        "mechanism": name,
        "ceiling": _ceiling_text(ceiling),
        "usd": format_money(budget_usd, Currency.USD),
    }
    if currency == Currency.USD:
        message = _("%(usd)s is more than the %(ceiling)s a %(mechanism)s project may cost.")
    else:
        month = on.replace(day=1)
        figures |= {"currency": currency, "units_per_usd": units, "rate_month": month}
        values |= {
            "amount": format_money(budget, currency),
            "rate": rate_text(units, currency, month),
        }
        message = _(
            "%(amount)s is %(usd)s at %(rate)s: more than the %(ceiling)s a %(mechanism)s "
            "project may cost."
        )
    return [Problem(message % values, concerns="budget", figures=figures)]


def _duration_problem(name, limit: int, start: datetime.date, end: datetime.date) -> Problem:
    """How long the project lasts, the limit, and the last day it may end."""
    months, days = duration(start, end)
    latest = latest_end(start, limit)
    return Problem(
        ngettext(
            "The project lasts %(duration)s; %(mechanism)s projects may last at most "
            "%(limit)d month: the latest allowed end date is %(latest)s.",
            "The project lasts %(duration)s; %(mechanism)s projects may last at most "
            "%(limit)d months: the latest allowed end date is %(latest)s.",
            limit,
        )
        % {
            "duration": duration_text(months, days),
            "mechanism": name,
            "limit": limit,
            "latest": date_format(latest),
        },
        concerns="end",
        figures={"months": months, "days": days, "limit_months": limit, "latest_end": latest},
    )


def _indirect_cost_problems(
    mechanism: Mechanism, budget: Decimal | None, currency: str | None, indirect: Decimal | None
) -> list[Problem]:
    if indirect is None or budget is None:
        return []
    if indirect > budget:
        return [
            Problem(
                _("The indirect support costs cannot exceed the budget."),
                concerns="indirect_costs",
            )
        ]
    rate = mechanism.indirect_cost_percent
    if rate is None:
        return []
    direct = budget - indirect
    allowed = (direct * rate / 100).quantize(Decimal("0.01"))
    if indirect <= allowed:
        return []
    message = _(
        "%(mechanism)s pays indirect support costs of at most %(rate)s %% of the direct "
        "costs: %(allowed)s %(currency)s on %(direct)s %(currency)s of direct costs; "
        "this project states %(indirect)s %(currency)s."
    ) % {
        "mechanism": mechanism,
        "rate": number_format(rate, 2 if rate % 1 else 0),
        "allowed": number_format(allowed, 2, force_grouping=True),
        "direct": number_format(direct, 2, force_grouping=True),
        "indirect": number_format(indirect, 2, force_grouping=True),
        "currency": currency or "",
    }
    return [
        Problem(
            message,
            concerns="indirect_costs",
            figures={"rate": rate, "allowed": allowed, "direct": direct, "indirect": indirect},
        )
    ]


# --- The tranche schedule -----------------------------------------------------------


def step_share(step: TrancheStep, approved: Decimal) -> Decimal:
    """What `step` pays of `approved`, to the cent (as `services.proposed_tranche`
    proposes it)."""
    return (approved * step.percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def approved_amount(project) -> Decimal:
    """What is approved for `project` (a projects.Project), in its currency."""
    total = project.funding_approvals.aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal(0)


def paid_steps(project) -> dict:
    """The steps of the schedule a tranche of `project` already pays, each
    with the first tranche that paid it (one query)."""
    paid = {}
    for tranche in project.tranches.exclude(step=None).order_by("paid_on", "pk"):
        paid.setdefault(tranche.step_id, tranche)
    return paid


def tranche_step_problems(
    step: TrancheStep,
    amount: Decimal | None,
    *,
    schedule: list[TrancheStep],
    approved: Decimal,
    currency: str,
    paid: dict,
) -> list[Problem]:
    """What is wrong with paying `amount` as `step` of `schedule`: a step is
    paid once, and a step before the last pays at most its share of what is
    approved (the last pays what remains, which the service holds)."""
    tranche = paid.get(step.pk)
    if tranche is not None:
        return [
            Problem(
                _(
                    "The step “%(step)s” is already paid: tranche %(reference)s of %(date)s. "
                    "Choose a step not yet paid, or no step."
                )
                % {
                    "step": str(step),
                    "reference": tranche.reference,
                    "date": date_format(tranche.paid_on),
                },
                concerns="step",
            )
        ]
    if amount is None or not approved or not schedule or step.pk == schedule[-1].pk:
        return []
    share = step_share(step, approved)
    if amount <= share:
        return []
    return [
        Problem(
            _(
                "The step “%(step)s” pays %(share)s of the %(approved)s approved; "
                "this tranche is %(amount)s."
            )
            % {
                "step": str(step),
                "share": format_money(share, currency),
                "approved": format_money(approved, currency),
                "amount": format_money(amount, currency),
            },
            concerns="amount",
            figures={"share": share, "approved": approved, "amount": amount},
        )
    ]
