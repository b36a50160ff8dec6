"""The rules a financing mechanism carries as data, checked wherever a project
is submitted, approved or changed. One function, called by the projects app
(which funding never imports)."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from funding import rates
from funding.models import Mechanism, Window


def months_between(start: datetime.date, end: datetime.date) -> Decimal:
    """Calendar months from start to end, counting a started month by its days:
    1 January to 30 June is 6 months; to 1 July, a little more than 6."""
    whole = (end.year - start.year) * 12 + (end.month - start.month)
    days = end.day - start.day + 1
    return Decimal(whole) + Decimal(days) / Decimal(31)


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
) -> list[str]:
    """The rules of `mechanism` (and `window`) that this project breaks, each
    as a message quoting the rule; empty when it complies.

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
    ceiling = window.effective_ceiling_usd if window else mechanism.ceiling_usd
    budget_usd = None
    if ceiling is not None and budget is not None and currency:
        try:
            budget_usd = rates.to_usd(budget, currency, on=on or timezone.localdate())
        except rates.MissingRate as missing:
            problems.extend(missing.messages)
    if budget_usd is not None and budget_usd > ceiling:
        problems.append(
            _(
                "%(mechanism)s projects may cost at most USD %(ceiling)s; "
                "this one costs USD %(budget)s."
            )
            % {
                "mechanism": window or mechanism,
                "ceiling": number_format(ceiling, 0, force_grouping=True),
                "budget": number_format(budget_usd, 2, force_grouping=True),
            }
        )
    limit = window.effective_max_duration_months if window else mechanism.max_duration_months
    if limit and start and end and months_between(start, end) > limit:
        problems.append(
            _("%(mechanism)s projects may last at most %(months)d months; this one lasts longer.")
            % {"mechanism": window or mechanism, "months": limit}
        )
    if window is not None and window.mechanism_id != mechanism.pk:
        problems.append(
            _("The window %(window)s does not belong to %(mechanism)s.")
            % {"window": window, "mechanism": mechanism}
        )
    if implementer is not None and mechanism.local_implementers_only and not implementer.is_local:
        problems.append(
            _(
                "%(mechanism)s projects are implemented by local actors (a national NGO or "
                "civil society, a local authority, a government service or a Malian company); "
                "%(partner)s is a %(kind)s."
            )
            % {
                "mechanism": mechanism,
                "partner": implementer,
                "kind": implementer.get_kind_display(),
            }
        )
    problems.extend(_indirect_cost_problems(mechanism, budget, currency, indirect_costs))
    if window is None:
        windows = [str(each) for each in mechanism.windows.all()]
        if windows:
            # Without its window, a project would escape the window's limits.
            problems.append(
                _("%(mechanism)s projects must name their window (%(windows)s).")
                % {"mechanism": mechanism, "windows": ", ".join(windows)}
            )
    return problems


def _indirect_cost_problems(
    mechanism: Mechanism, budget: Decimal | None, currency: str | None, indirect: Decimal | None
) -> list[str]:
    if indirect is None or budget is None:
        return []
    if indirect > budget:
        return [_("The indirect support costs cannot exceed the budget.")]
    rate = mechanism.indirect_cost_percent
    if rate is None:
        return []
    direct = budget - indirect
    allowed = (direct * rate / 100).quantize(Decimal("0.01"))
    if indirect <= allowed:
        return []
    return [
        _(
            "%(mechanism)s pays indirect support costs of at most %(rate)s %% of the direct "
            "costs: %(allowed)s %(currency)s on %(direct)s %(currency)s of direct costs; "
            "this project states %(indirect)s %(currency)s."
        )
        % {
            "mechanism": mechanism,
            "rate": number_format(rate, 2 if rate % 1 else 0),
            "allowed": number_format(allowed, 2, force_grouping=True),
            "direct": number_format(direct, 2, force_grouping=True),
            "indirect": number_format(indirect, 2, force_grouping=True),
            "currency": currency or "",
        }
    ]
