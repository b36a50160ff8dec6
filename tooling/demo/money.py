"""Demo money, recorded as the fund manager would record it, through
`funding.services`: the UN's monthly exchange rates, donors' contributions to
the three mechanisms with their deposits, and the approvals, tranches and
spending of the demo projects. The projects meant to go beyond approval are
taken through their steps as their money comes (`_fund`): a project starts
once its funding is approved, is paid at completion once completed, and is
closed once everything approved is transferred and spent.

Dates follow the demo projects' own dates and never pass today. Idempotent:
rates are recorded for the months that lack one (so a demo database keeps a
rate for the current month), the rest only once. Spending stays within what
was transferred but for one project, whose partner prefinanced activities.
"""

import calendar
import datetime
import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from accounts.models import User
from coordination.models import Organisation
from funding import rates, services
from funding.models import (
    RATED_CURRENCIES,
    Contribution,
    ExchangeRate,
    Expenditure,
    Mechanism,
    TrancheStep,
)
from projects.models import Project
from regions.models import Pillar, Region
from tooling.demo import projects as demo_projects
from tooling.demo.coordination import ORGANISATIONS
from tooling.demo.projects import Pending

CENT = Decimal("0.01")

# --- Exchange rates ------------------------------------------------------------------

# The CFA franc is pegged to the euro: 655.957 XOF for one euro, always.
XOF_PER_EUR = Decimal("655.957")

# currency: (centre in units per dollar, swing with the dollar, own wobble, decimals).
# Every currency follows the same slow cycle of the dollar's strength, plus a
# smaller wobble of its own; EUR is derived from XOF through the peg.
RATE_CURVES = {
    "XOF": (610.0, 0.07, 0.005, 2),
    "SEK": (10.0, 0.08, 0.010, 4),
    "NOK": (10.0, 0.07, 0.015, 4),
    "DKK": (6.7, 0.05, 0.004, 4),
    "GBP": (0.78, 0.04, 0.005, 4),
    "CAD": (1.325, 0.045, 0.004, 4),
    "JPY": (130.0, 0.15, 0.020, 2),
    "CHF": (0.90, 0.04, 0.010, 4),
}


def demo_rate(currency: str, month: datetime.date) -> Decimal:
    """The demo's units of `currency` per dollar in `month`: deterministic,
    slowly varying, within the currency's usual range."""
    if currency == "EUR":
        return (demo_rate("XOF", month) / XOF_PER_EUR).quantize(Decimal("0.000001"))
    centre, swing, wobble, decimals = RATE_CURVES[currency]
    index = (month.year - 2000) * 12 + month.month - 1
    # The dollar's strength, between about -1 and 1.
    dollar = (
        math.sin(2 * math.pi * index / 45) + 0.3 * math.sin(2 * math.pi * index / 13 + 1)
    ) / 1.3
    own = math.sin(
        2 * math.pi * index / (7 + len(currency) + ord(currency[0]) % 5) + ord(currency[1])
    )
    value = centre * (1 + swing * dollar + wobble * own)
    return Decimal(f"{value:.{decimals}f}")


def _months(first: datetime.date, last: datetime.date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=31)).replace(day=1)


def seed_rates(by, first: datetime.date) -> int:
    """The rate of every rated currency for each month from `first` to this
    one that has none yet; returns how many were recorded."""
    existing = set(ExchangeRate.objects.values_list("currency", "month"))
    created = 0
    for month in _months(first, timezone.localdate()):
        for currency, _label in RATED_CURRENCIES:
            if (currency, month) in existing:
                continue
            services.record_rate(
                by=by, currency=currency, month=month, units_per_usd=demo_rate(currency, month)
            )
            created += 1
    return created


# The rates go back to 1 January, RATE_YEARS years before today's: before
# the first contribution, pledged the year before the first project, which
# starts within its plan (tooling.demo.plans.YEARS_BEFORE).
RATE_YEARS = 4


def seed_exchange_rates() -> int:
    """The demo's rates of every month that lacks one, recorded before the
    projects: a project's budget is converted to dollars when it is created."""
    fund = User.objects.get(username="fund")
    today = timezone.localdate()
    return seed_rates(fund, datetime.date(today.year - RATE_YEARS, 1, 1))


# --- Contributions -------------------------------------------------------------------

# Dates are (years after the year before the first demo project, month, day),
# so that donors pledge and pay before the projects they fund start.
# Deposits are (months after the pledge, amount[, "increase"]); those that
# would fall after today are not received yet.
TRUST_FUND = [
    # (donor acronym, currency, pledge, pledged on, earmarked region, pillar, deposits, notes)
    (
        "Pays-Bas",
        "EUR",
        8_000_000,
        (0, 3, 15),
        None,
        "",
        [(2, 4_000_000), (12, 4_000_000)],
        "Contribution non affectée, versée en deux tranches annuelles.",
    ),
    (
        "Asdi",
        "SEK",
        60_000_000,
        (0, 6, 1),
        None,
        "",
        [(1, 30_000_000), (10, 30_000_000), (22, 6_000_000, "increase")],
        "Contribution non affectée ; la Suède a ajouté 6 millions de couronnes en cours d'accord.",
    ),
    (
        "AMC",
        "CAD",
        8_000_000,
        (0, 9, 20),
        None,
        "",
        [(1, 4_000_000), (13, 4_000_000)],
        "Contribution non affectée du Canada.",
    ),
    (
        "GIZ",
        "EUR",
        6_000_000,
        (0, 11, 10),
        "ML-7",
        "",
        [(2, 3_000_000), (14, 2_000_000)],
        "Contribution de l'Allemagne affectée à la région de Gao ; le solde est attendu "
        "après le rapport annuel.",
    ),
    (
        "Norvège",
        "NOK",
        50_000_000,
        (1, 2, 1),
        "ML-6",
        "",
        [(1, 25_000_000), (12, 25_000_000)],
        "Contribution affectée à la région de Tombouctou.",
    ),
    (
        "Danemark",
        "DKK",
        30_000_000,
        (1, 4, 15),
        None,
        Pillar.SOCIAL_COHESION,
        [(1, 20_000_000)],
        "Contribution affectée à la cohésion sociale ; deuxième versement conditionné "
        "au rapport à mi-parcours.",
    ),
    (
        "JICA",
        "JPY",
        600_000_000,
        (1, 3, 31),
        None,
        Pillar.BASIC_SERVICES,
        [(2, 600_000_000)],
        "Contribution du Japon affectée aux services sociaux de base.",
    ),
    (
        "FCDO",
        "GBP",
        4_000_000,
        (1, 9, 1),
        None,
        Pillar.PRODUCTIVE,
        [(1, 2_000_000), (8, 1_000_000)],
        "Contribution du Royaume-Uni affectée à la relance des activités productives.",
    ),
    (
        "DDC",
        "CHF",
        3_000_000,
        (2, 1, 20),
        None,
        "",
        [(2, 1_500_000)],
        "Contribution non affectée de la Suisse, versée par moitiés.",
    ),
    (
        "JICA",
        "USD",
        3_000_000,
        (2, 3, 1),
        "ML-7",
        Pillar.BASIC_SERVICES,
        [(1, 3_000_000)],
        "Fonds supplémentaire du Japon pour les services sociaux de base dans la région de Gao.",
    ),
    (
        "France",
        "EUR",
        5_000_000,
        (2, 4, 10),
        None,
        "",
        [(1, 5_000_000)],
        "Contribution non affectée de la France.",
    ),
    (
        "Pays-Bas",
        "EUR",
        4_000_000,
        (3, 2, 15),
        None,
        "",
        [(1, 2_000_000), (10, 2_000_000)],
        "Deuxième accord de contribution des Pays-Bas, non affecté.",
    ),
    (
        "DDC",
        "USD",
        2_000_000,
        (3, 6, 1),
        None,
        "",
        [(1, 2_000_000)],
        "Contribution complémentaire de la Suisse, versée en dollars.",
    ),
]

# The mission's QIP budget for the regions, one allotment per fiscal year
# (July to June), released in two halves.
MISSION = "MINUSMA"
QIP_ALLOTMENT = 500_000

# The Peacebuilding Fund's allocations to Mali, through its support office.
PBSO = (
    "Bureau d'appui à la consolidation de la paix des Nations Unies",
    "PBSO",
    Organisation.Kind.UN_AGENCY,
)
PEACEBUILDING_FUND = [
    # (pledge in USD, pledged on, deposits, notes)
    (6_000_000, (1, 2, 1), [(1, 6_000_000)], "Allocation du mécanisme de réponse immédiate (IRF)."),
    (
        12_000_000,
        (1, 6, 1),
        [(1, 7_200_000), (13, 4_800_000)],
        "Allocation du mécanisme de relèvement (PRF), deuxième tranche après le rapport "
        "d'avancement.",
    ),
    (
        10_000_000,
        (2, 5, 1),
        [(1, 6_000_000), (12, 4_000_000)],
        "Allocation PRF pour la consolidation de la paix dans le Centre et le Nord.",
    ),
    (5_000_000, (3, 3, 1), [(1, 5_000_000)], "Allocation IRF en appui aux dividendes de la paix."),
]


def _day(base_year: int, when: tuple[int, int, int]) -> datetime.date:
    years, month, day = when
    return datetime.date(base_year + years, month, day)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _donor(acronym: str) -> Organisation:
    """The coordination demo's organisation of that acronym (or the PBF's
    support office), created as the demo describes it if it is missing."""
    known = {entry[1]: entry for entry in ORGANISATIONS}
    known[PBSO[1]] = (*PBSO, "")
    name, acronym, kind, country = known[acronym]
    existing = Organisation.objects.filter(name__iexact=name).first()
    return existing or Organisation.objects.create(
        name=name, acronym=acronym, kind=kind, country=country
    )


def _plan(base_year: int) -> list[dict]:
    """Every demo contribution, as the fields of `record_contribution` plus
    its deposits, in the order they were pledged."""
    tf, qip, pbf = (Mechanism.objects.get(code=code) for code in ("tf", "qip", "pbf"))
    regions = {region.code: region for region in Region.objects.filter(code__in=["ML-6", "ML-7"])}
    plan = []
    for n, (acronym, currency, pledge, when, region, pillar, deposits, notes) in enumerate(
        TRUST_FUND, start=1
    ):
        pledged_on = _day(base_year, when)
        plan.append(
            {
                "donor": acronym,
                "mechanism": tf,
                "amount": Decimal(pledge),
                "currency": currency,
                "pledged_on": pledged_on,
                "earmark_region": regions.get(region),
                "earmark_pillar": pillar,
                "reference": f"AC-FF-{pledged_on.year}-{n:02d}",
                "notes": notes,
                "deposits": deposits,
            }
        )
    for year in range(base_year, base_year + 4):
        plan.append(
            {
                "donor": MISSION,
                "mechanism": qip,
                "amount": Decimal(QIP_ALLOTMENT),
                "currency": "USD",
                "pledged_on": datetime.date(year, 7, 1),
                "earmark_region": None,
                "earmark_pillar": "",
                "reference": f"BUDGET-QIP-{year}/{(year + 1) % 100:02d}",
                "notes": f"Allotissement du budget de la mission pour l'exercice "
                f"{year}/{year + 1} (juillet à juin).",
                "deposits": [(0, QIP_ALLOTMENT // 2), (6, QIP_ALLOTMENT // 2)],
            }
        )
    for n, (pledge, when, deposits, notes) in enumerate(PEACEBUILDING_FUND, start=1):
        pledged_on = _day(base_year, when)
        plan.append(
            {
                "donor": PBSO[1],
                "mechanism": pbf,
                "amount": Decimal(pledge),
                "currency": "USD",
                "pledged_on": pledged_on,
                "earmark_region": None,
                "earmark_pillar": "",
                "reference": f"PBF/MLI/{pledged_on.year}/{n:02d}",
                "notes": notes,
                "deposits": deposits,
            }
        )
    return sorted(plan, key=lambda entry: entry["pledged_on"])


def _record_contributions(plan: list[dict], *, by, today: datetime.date, counts: dict) -> None:
    for entry in plan:
        if entry["pledged_on"] > today:
            continue
        fields = {name: value for name, value in entry.items() if name != "deposits"}
        fields["donor"] = _donor(entry["donor"])
        contribution, _created = services.record_contribution(by=by, **fields)
        counts["contributions"] += 1
        for number, (months, amount, *increase) in enumerate(entry["deposits"], start=1):
            received_on = _add_months(contribution.pledged_on, months)
            if received_on > today:
                break  # not received yet
            services.record_deposit(
                contribution,
                by=by,
                amount=Decimal(amount),
                currency=contribution.currency,
                received_on=received_on,
                reference=f"{contribution.reference}/V{number}",
                is_increase=bool(increase),
            )
            counts["deposits"] += 1


# --- The projects' money -------------------------------------------------------------

# The projects that get money are those `seed_projects` approved: their
# funding is approved, and those meant to go further (`Pending`) are taken
# through their steps as their money comes: started, paid, reporting,
# completed, paid at completion, spending, closed once reconciled. Pipeline
# and submitted ones are not approved yet; cancelled ones are finished, and
# the services lock a finished project's money.
DECISIONS = {
    "qip": "PRC-{year}-{number:03d}",
    "tf": "COPIL-FF-{year}-{number:02d}",
    "pbf": "JSC-PBF-{year}-{number:02d}",
}

C = Expenditure.Category
# What partners spend each tranche on, (category, weight, description), for
# the QIPs and for the Trust Fund's and the PBF's programmes. A project paid
# in one tranche spends it on both lists.
SPENDING = {
    "qip": [
        [
            (C.SERVICES, 55, "Travaux exécutés par l'entreprise locale"),
            (C.SUPPLIES, 30, "Matériaux de construction et petit équipement"),
            (C.STAFF, 15, "Main-d'œuvre communautaire"),
        ],
        [
            (C.SERVICES, 70, "Finitions et réception provisoire des travaux"),
            (C.OPERATING, 30, "Suivi, transport des matériaux et frais bancaires"),
        ],
    ],
    "programme": [
        [
            (C.STAFF, 30, "Personnel du projet et animateurs de terrain"),
            (C.SERVICES, 35, "Contrats de travaux et de prestations"),
            (C.SUPPLIES, 20, "Fournitures et intrants distribués"),
            (C.EQUIPMENT, 15, "Équipement des structures bénéficiaires"),
        ],
        [
            (C.STAFF, 30, "Personnel du projet et animateurs de terrain"),
            (C.TRAVEL, 10, "Missions conjointes de suivi sur le terrain"),
            (C.GRANTS, 45, "Subventions aux organisations communautaires"),
            (C.INDIRECT, 15, "Coûts indirects d'appui"),
        ],
    ],
}
BEYOND_TRANSFERS = (
    "Le partenaire a préfinancé sur ses fonds propres la suite des activités pour ne pas "
    "les interrompre avant la saison des pluies ; la régularisation est prévue au "
    "prochain transfert."
)


def _charged_to(project: Project, amount: Decimal, approved_on: datetime.date):
    """The contribution to charge `amount` to: one pledged before the decision,
    whose earmark allows the project and whose money received and not yet
    approved covers it; earmarked money first, then the one with the most
    money left, so that every donor's money gets used."""
    needed = rates.to_usd(amount, project.budget_currency, on=approved_on)
    candidates = [
        contribution
        for contribution in services.eligible_contributions(project)
        if contribution.pledged_on <= approved_on and contribution.available_usd >= needed
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda c: (not (c.earmark_region_id or c.earmark_pillar), -c.available_usd, c.pk),
    )


def _fund(
    project: Project, n: int, pending: Pending | None, *, by, today: datetime.date, state: dict
) -> None:
    """Approve `project`'s funding; then, if it is meant to go further
    (`pending`), start it, pay its tranches, have it report, complete and
    close it as far as its target status goes, and report its spending."""
    code = project.mechanism.code
    amount = project.budget_amount
    if n % 3 == 0:  # the committee cut a little
        amount = (amount * Decimal("0.95") / 100).to_integral_value(ROUND_DOWN) * 100
    approved_on = min(project.planned_start + datetime.timedelta(days=n % 15), today)
    contribution = _charged_to(project, amount, approved_on)
    if contribution is None and project.mechanism.limited_to_receipts:
        return  # no donor money left that may fund it: it waits, approved
    number = state["decisions"].get((code, approved_on.year), 0) + 1
    state["decisions"][code, approved_on.year] = number
    services.approve_funding(
        project,
        by=by,
        amount=amount,
        currency=project.budget_currency,
        approved_on=approved_on,
        decision_reference=DECISIONS[code].format(year=approved_on.year, number=number),
        contribution=contribution,
    )
    state["counts"]["funding approvals"] += 1
    if pending is None:
        return  # approved, not started yet
    demo_projects.start(pending, funded_on=approved_on)
    finished = pending.finished
    split = code == "qip" or n % 2 == 0
    schedule = _schedule(pending, split, approved_on, today)
    # What is paid before completion; the step paid at completion comes after.
    paid = _tranches(pending.project, schedule, amount, [], split=split, by=by)
    demo_projects.report(pending)
    if finished:
        demo_projects.complete(pending)
        paid = _tranches(pending.project, schedule, amount, paid, split=split, by=by)
    state["counts"]["tranches"] += len(paid)
    kind = "qip" if code == "qip" else "programme"
    # The first programme under way that has not received all its money.
    beyond = (
        state["beyond left"]
        and kind == "programme"
        and not finished
        and sum(value for _day, value in paid) < amount
    )
    if beyond:
        state["beyond left"] = False
    state["counts"]["expenditures"] += _spending(
        pending.project,
        n,
        paid,
        amount,
        kind,
        completed=finished,
        closed=pending.target == "closed",
        beyond=beyond,
        by=by,
        today=today,
    )
    if pending.target == "closed":
        demo_projects.close(pending)


def _schedule(pending: Pending, split: bool, approved_on, today) -> list[datetime.date]:
    """The days the tranches are paid: in two when `split` (QIPs 80 % at
    signature and 20 % at completion, after the actual end; the other
    mechanisms 60 %, then the rest at mid-term), else in one. An ongoing
    project has received its first tranche only."""
    project = pending.project
    first = min(approved_on + datetime.timedelta(days=10), today)
    if not (split and pending.finished):
        return [first]
    if project.mechanism.code == "qip":
        second = pending.end + datetime.timedelta(days=10)
    else:
        second = project.planned_start + (project.planned_end - project.planned_start) / 2
    return [first, min(max(second, first), today)]


def _tranches(project, schedule, approved, paid: list, *, split: bool, by) -> list:
    """Pay the tranches of `schedule` that follow those `paid`, as the
    mechanism's schedule proposes them, stopping before a step paid at
    completion while the project is not completed. Returns `paid` with them,
    as [(paid_on, amount)]."""
    paid = list(paid)
    transferred = sum((value for _day, value in paid), Decimal(0))
    for number in range(len(paid), len(schedule)):
        step, value = services.proposed_tranche(
            project, {"approved": approved, "transferred": transferred}
        )
        completion = step is not None and step.milestone == TrancheStep.Milestone.COMPLETION
        if completion and project.status != Project.Status.COMPLETED:
            break
        if step is None and split and number == 0:
            value = (approved * Decimal("0.6")).quantize(CENT, rounding=ROUND_HALF_UP)
        services.record_tranche(
            project,
            by=by,
            amount=value,
            currency=project.budget_currency,
            paid_on=schedule[number],
            reference=f"VIR-{project.code}-{number + 1}",
            step=step,
        )
        paid.append((schedule[number], value))
        transferred += value
    return paid


def _spending(project, n, paid, approved, kind, *, completed, closed, beyond, by, today) -> int:
    """Report the partner's spending of each tranche, dated between it and the
    next; an ongoing project has spent part of its last tranche, a completed
    one (nearly) all, a closed one all of it. With `beyond`, the partner also
    spent money it has not received yet. Returns how many expenditures were
    recorded."""
    groups = SPENDING[kind]
    if len(paid) == 1 and sum(value for _day, value in paid) == approved:
        groups = [groups[0] + groups[1]]
    recorded = 0
    for number, (paid_on, value) in enumerate(paid):
        last = number == len(paid) - 1
        if not last:
            end = paid[number + 1][0] - datetime.timedelta(days=1)
        elif completed:
            end = paid_on + datetime.timedelta(days=45)
        else:
            end = project.planned_end
        end = max(min(end, today), paid_on)
        share = Decimal(1)
        if last and not beyond:
            share = Decimal("0.97") if completed else Decimal("0.45") + Decimal(n % 5) / 10
            if closed or (completed and n % 4):
                share = Decimal(1)
        total = (value * share).quantize(CENT, rounding=ROUND_DOWN)
        items = groups[min(number, len(groups) - 1)]
        weights = sum(weight for _category, weight, _text in items)
        left = total
        for index, (category, weight, description) in enumerate(items):
            amount = left
            if index < len(items) - 1:
                amount = (total * weight / weights).quantize(CENT, rounding=ROUND_DOWN)
            left -= amount
            days = (end - paid_on).days * (index + 1) // (len(items) + 1)
            services.record_expenditure(
                project,
                by=by,
                amount=amount,
                currency=project.budget_currency,
                spent_on=paid_on + datetime.timedelta(days=days),
                category=category,
                description=description,
            )
            recorded += 1
    if beyond:
        services.record_expenditure(
            project,
            by=by,
            amount=(approved * Decimal("0.05")).quantize(CENT, rounding=ROUND_DOWN),
            currency=project.budget_currency,
            spent_on=max(min(project.planned_end, today), paid[-1][0]),
            category=C.SERVICES,
            description="Activités préfinancées par le partenaire",
            beyond_transfers=True,
            explanation=BEYOND_TRANSFERS,
        )
        recorded += 1
    return recorded


# --- All of it -----------------------------------------------------------------------

COUNTED = [
    "exchange rates",
    "contributions",
    "deposits",
    "funding approvals",
    "tranches",
    "expenditures",
]


@transaction.atomic
def seed_money(later: list[Pending] = ()) -> dict[str, int]:
    """Record the demo money that is missing, and take the projects `later`
    holds (`seed_projects` left them approved) through the steps that follow
    their funding; returns how many records of each kind were created, by
    their English name."""
    counts = dict.fromkeys(COUNTED, 0)
    fund = User.objects.get(username="fund")
    today = timezone.localdate()
    first_start = Project.objects.aggregate(first=Min("planned_start"))["first"] or today
    plan = _plan(first_start.year - 1)
    counts["exchange rates"] = seed_rates(fund, min(first_start, plan[0]["pledged_on"]))
    # The first demo contribution marks the rest as recorded.
    if Contribution.objects.filter(reference=plan[0]["reference"]).exists():
        return counts
    _record_contributions(plan, by=fund, today=today, counts=counts)
    state = {"counts": counts, "decisions": {}, "beyond left": True}
    pending = {entry.project.pk: entry for entry in later}
    projects = (
        Project.objects.filter(status=Project.Status.APPROVED, planned_start__lte=today)
        .select_related("mechanism", "window", "region", "priority")
        .order_by("planned_start", "pk")
    )
    for n, project in enumerate(projects):
        _fund(project, n, pending.get(project.pk), by=fund, today=today, state=state)
    return counts
