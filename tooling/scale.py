"""A large, consistent data set for measuring the portal at scale
(`manage.py seed_scale`).

Rows are written with `bulk_create`, in batches, without the services or
their history rows; what the services guarantee still holds, because the
amounts are computed here the way the services would accept them:

- codes come from the same counters as `projects.services.next_code`
  (the rows are locked while a batch takes its numbers), so they are unique
  and a project created later through the portal never takes one of them;
- the mechanisms' rules hold: QIP budgets stay far enough below the ceiling
  that no month's rate takes them above it, and every duration is within
  the mechanism's or window's limit;
- a project's money is in the currency of its budget: approvals add up to at
  most the budget, tranches to at most the approvals (the QIP schedule's
  80 % and 20 %), spending to at most the transfers; every amount is
  positive, dated no later than today and no earlier than what it follows;
- every US dollar equivalent is the amount at the rate of its month, and a
  rate exists for every month and currency used (`funding.rates.to_usd`
  gives the same figure);
- each Trust Fund approval is charged to a contribution that allows it
  (earmarked for the project's region, or not earmarked) and that had
  received, before the approval's date, more than it approved;
- locations lie inside Mali's bounding box, in a cercle of the project's
  region; status, actual dates and reports agree with the planned dates.

A run adds a new batch: reference rows (organisations, plans, rates) are
reused when present, projects get new codes.
"""

import datetime
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coordination.models import Organisation
from core import cached_figures
from funding.models import (
    RATED_CURRENCIES,
    Contribution,
    Deposit,
    ExchangeRate,
    Expenditure,
    FundingApproval,
    Mechanism,
    Tranche,
    TrancheStep,
)
from projects.models import (
    MALI_LATITUDE,
    MALI_LONGITUDE,
    GenderMarker,
    Indicator,
    IndicatorReport,
    Location,
    ProgressReport,
    Project,
    ProjectCodeSequence,
)
from projects.services import region_abbreviation
from regions.models import Pillar, PlanPriority, Region, RegionalPlan
from reviews.models import ReviewStatus
from tooling.demo.coordination import ORGANISATIONS
from tooling.demo.money import demo_rate
from tooling.demo.projects import TEMPLATES

CENT = Decimal("0.01")
UNIT = Decimal("1")
YEARS_BACK = 9  # projects start from January of this many years ago
BATCH = 5_000
INSERT_BATCH = 2_000

# The users the rows name as their author and reviewer: inactive, so that
# nobody signs in as them.
SEEDER = "scale.seeder"
REVIEWER = "scale.reviewer"

# Region centres (latitude, longitude); others fall back to the centre of Mali.
CENTRES = {
    "ML-5": (14.49, -4.19),
    "ML-6": (16.77, -3.01),
    "ML-7": (16.27, -0.04),
    "ML-8": (18.44, 1.41),
    "ML-9": (15.92, 2.40),
    "ML-10": (22.68, -3.98),
}
MALI_CENTRE = (17.0, -4.0)

# The currency each donor pays in (by acronym); others pay in US dollars.
DONOR_CURRENCIES = {
    "AFD": "EUR",
    "France": "EUR",
    "GIZ": "EUR",
    "Pays-Bas": "EUR",
    "Asdi": "SEK",
    "Danemark": "DKK",
    "AMC": "CAD",
    "FCDO": "GBP",
    "DDC": "CHF",
    "Enabel": "EUR",
    "LuxDev": "EUR",
    "Norvège": "NOK",
    "JICA": "JPY",
    "AECID": "EUR",
    "UE": "EUR",
}

LOCAL_KINDS = ["Association", "Coopérative", "Groupement", "Collectif", "Union", "Réseau"]
LOCAL_AIMS = [
    "pour le développement",
    "des femmes",
    "des jeunes",
    "pour la paix",
    "des éleveurs",
    "des producteurs",
]
QUARTERS = ["Centre", "Nord", "Sud", "Est", "Ouest", "Marché", "Plateau", "Fleuve"]
NARRATIVES = [
    "Les travaux avancent conformément au calendrier.",
    "L'accès au site reste difficile pendant la saison des pluies.",
    "Les comités de gestion sont installés et formés.",
    "Les fournitures sont livrées ; la réception provisoire est prévue.",
    "Les activités ont repris après une interruption due à l'insécurité.",
]

# (mechanism, share of projects, budget in USD from, to, months from, to)
MECHANISM_MIX = [
    ("qip", 40, 5_000, 40_000, 2, 5),
    ("tf", 35, 100_000, 2_500_000, 12, 48),
    ("pbf", 25, 200_000, 3_000_000, 6, 35),
]
# (currency, weight) of budgets by mechanism
BUDGET_CURRENCIES = {
    "qip": [("USD", 6), ("XOF", 4)],
    "tf": [("USD", 5), ("EUR", 3), ("XOF", 2)],
    "pbf": [("USD", 8), ("EUR", 2)],
}
WINDOW_MONTHS = {"irf": (6, 17), "prf": (12, 35)}
MONEY_STATUSES = {"approved", "ongoing", "completed", "closed"}
RESULT_STATUSES = {"ongoing", "completed", "closed"}


@dataclass
class Context:
    """The reference rows a batch draws on."""

    rng: random.Random
    today: datetime.date
    now: datetime.datetime
    seeder: object
    reviewer: object
    regions: list
    cercles: dict  # region pk -> [cercle]
    priorities: dict  # region pk -> [priority]
    mechanisms: dict  # code -> mechanism
    windows: dict  # code -> window
    qip_steps: list
    local_partners: list
    international_partners: list
    un_agencies: list
    donors: list
    rates: dict  # (currency, first of month) -> units per dollar
    counts: Counter = field(default_factory=Counter)


# --- Small helpers ---------------------------------------------------------------


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _months(first: datetime.date, last: datetime.date):
    month = _month(first)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _add_days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def _between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A random day from `first` to `last` (`first` when they are crossed)."""
    if last <= first:
        return first
    return _add_days(first, rng.randrange((last - first).days + 1))


def _moment(ctx: Context, day: datetime.date) -> datetime.datetime:
    """A time of day on `day`, never later than now."""
    moment = datetime.datetime.combine(
        day, datetime.time(8 + ctx.rng.randrange(9), ctx.rng.randrange(60))
    )
    moment = timezone.make_aware(moment, datetime.UTC)
    return min(moment, ctx.now)


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _weight in choices], [w for _v, w in choices])[0]


def quantum(currency: str) -> Decimal:
    """Amounts in CFA francs and yen are whole; others are to the cent."""
    return UNIT if currency in ("XOF", "JPY") else CENT


def to_usd(ctx: Context, amount: Decimal, currency: str, on: datetime.date) -> Decimal:
    """As `funding.rates.to_usd`, from the rates held in memory."""
    if currency == "USD":
        return amount
    return (amount / ctx.rates[(currency, _month(on))]).quantize(CENT, rounding=ROUND_HALF_UP)


def in_usd(ctx: Context, amount: Decimal, currency: str, on: datetime.date) -> dict:
    """A money row's US dollar equivalent and the rate it is fixed at, as
    `funding.services` sets them."""
    rate = UNIT if currency == "USD" else ctx.rates[(currency, _month(on))]
    return {"amount_usd": to_usd(ctx, amount, currency, on), "units_per_usd": rate}


def from_usd(ctx: Context, usd: Decimal, currency: str, on: datetime.date) -> Decimal:
    if currency == "USD":
        return usd.quantize(CENT)
    amount = usd * ctx.rates[(currency, _month(on))]
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def split(rng: random.Random, total: Decimal, parts: int, step: Decimal) -> list[Decimal]:
    """`total` in `parts` positive amounts (multiples of `step`) adding up to it exactly."""
    parts = max(1, min(parts, int(total / step)))
    if parts == 1:
        return [total]
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    amounts = []
    for weight in weights[:-1]:
        amount = (total * Decimal(weight / scale)).quantize(step, rounding=ROUND_HALF_UP)
        amounts.append(max(amount, step))
    last = total - sum(amounts)
    if last < step:  # rounding ate the last part: fall back to even parts
        even = (total / parts).quantize(step, rounding="ROUND_DOWN")
        amounts = [even] * (parts - 1)
        last = total - sum(amounts)
    return [*amounts, last]


def _insert(model, rows: list, ctx: Context) -> list:
    created = model.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    ctx.counts[model._meta.label] += len(rows)
    return created


# --- Reference rows ----------------------------------------------------------------


def _user(username: str, first: str, last: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _organisations(cercle_names: list[str], ctx_counts: Counter) -> dict[str, list]:
    """The donors, UN agencies, international and local partners, created
    where missing (matched by name, case-insensitively)."""
    wanted = [(name, acronym, kind, country) for name, acronym, kind, country in ORGANISATIONS]
    K = Organisation.Kind
    local = []
    for place in cercle_names:
        local.append((f"Conseil de cercle de {place}", "", K.LOCAL_AUTHORITY, "ML"))
        for kind in LOCAL_KINDS:
            for aim in LOCAL_AIMS[:4]:
                local.append((f"{kind} {aim} de {place}", "", K.NATIONAL_NGO, "ML"))
    wanted += local
    existing = {org.name.lower(): org for org in Organisation.objects.all()}
    taken = Organisation.objects.exclude(acronym="").values_list("acronym", flat=True)
    acronyms = {acronym.lower() for acronym in taken}
    missing = []
    for name, acronym, kind, country in wanted:
        if name.lower() in existing:
            continue
        if acronym and acronym.lower() in acronyms:
            acronym = ""
        acronyms.add(acronym.lower())
        organisation = Organisation(name=name, acronym=acronym, kind=kind, country=country)
        missing.append(organisation)
        existing[name.lower()] = organisation
    if missing:
        Organisation.objects.bulk_create(missing, batch_size=INSERT_BATCH)
        ctx_counts[Organisation._meta.label] += len(missing)
    rows = [existing[name.lower()] for name, *_rest in wanted]
    # bulk_create gave the new rows their keys; the existing ones had them.
    return {
        "donors": [o for o in rows if o.kind in (K.BILATERAL, K.MULTILATERAL)],
        "un": [o for o in rows if o.kind == K.UN_AGENCY and o.acronym != "MINUSMA"],
        "international": [o for o in rows if o.kind == K.INTERNATIONAL_NGO],
        "local": [o for o in rows if o.kind in (K.NATIONAL_NGO, K.LOCAL_AUTHORITY)],
    }


def _rates(first: datetime.date, today: datetime.date, counts: Counter) -> dict:
    """Every rated currency's rate for every month from `first` to today's,
    recorded where missing; returns them all."""
    rates = {
        (currency, month): units
        for currency, month, units in ExchangeRate.objects.filter(month__gte=first).values_list(
            "currency", "month", "units_per_usd"
        )
    }
    missing = [
        ExchangeRate(currency=currency, month=month, units_per_usd=demo_rate(currency, month))
        for month in _months(first, today)
        for currency, _label in RATED_CURRENCIES
        if (currency, month) not in rates
    ]
    if missing:
        ExchangeRate.objects.bulk_create(missing, batch_size=INSERT_BATCH)
        counts[ExchangeRate._meta.label] += len(missing)
        rates.update({(rate.currency, rate.month): rate.units_per_usd for rate in missing})
    return rates


def _plans(regions: list, seeder, first: datetime.date, last: datetime.date, counts: Counter):
    """The priorities of each region's validated plans; a region without a
    validated plan gets one, with a priority per pillar."""
    priorities: dict[int, list] = defaultdict(list)
    for priority in PlanPriority.objects.filter(
        plan__region__in=regions, plan__status=RegionalPlan.Status.VALIDATED
    ).select_related("plan"):
        priorities[priority.plan.region_id].append(priority)
    for region in regions:
        if region.plans.filter(status=RegionalPlan.Status.VALIDATED).exists():
            continue
        plan = RegionalPlan.objects.create(
            region=region,
            title=f"Plan régional de stabilisation et de relèvement de {region.name_fr}",
            period_start=first,
            period_end=last,
            status=RegionalPlan.Status.VALIDATED,
            validation_date=first,
            validating_authority=f"Conseil régional de {region.name_fr}",
            context_analysis="Plan validé par les autorités régionales et les partenaires.",
            created_by=seeder,
        )
        counts[RegionalPlan._meta.label] += 1
        rows = [
            PlanPriority(
                plan=plan,
                code=f"AXE-{n}",
                title=str(pillar.label),
                pillar=pillar.value,
                estimated_cost_usd=Decimal(5_000_000 * n),
            )
            for n, pillar in enumerate(Pillar, start=1)
        ]
        PlanPriority.objects.bulk_create(rows)
        counts[PlanPriority._meta.label] += len(rows)
        priorities[region.pk].extend(rows)
    return priorities


def prepare(*, seed: int, today: datetime.date | None = None) -> Context:
    """Create or find the reference rows; returns the context of the batches."""
    today = today or timezone.localdate()
    counts: Counter = Counter()
    first_year = today.year - YEARS_BACK
    regions = list(Region.objects.in_scope().order_by("code"))
    if not regions:
        raise ValueError("No region is in the section's scope.")
    cercles: dict[int, list] = defaultdict(list)
    for region in regions:
        cercles[region.pk] = list(region.cercles.order_by("name"))
    seeder = _user(SEEDER, "Jeu de données", "à grande échelle")
    reviewer = _user(REVIEWER, "Relecture", "à grande échelle")
    mechanisms = {m.code: m for m in Mechanism.objects.all()}
    windows = {w.code: w for w in mechanisms["pbf"].windows.all()} if "pbf" in mechanisms else {}
    missing = {"qip", "tf", "pbf"} - set(mechanisms)
    if missing:
        raise ValueError(f"Missing financing mechanisms: {', '.join(sorted(missing))}.")
    cercle_names = sorted({c.name for group in cercles.values() for c in group})
    organisations = _organisations(cercle_names, counts)
    # Pledges come up to a year and a half before the first projects.
    rates = _rates(datetime.date(first_year - 2, 1, 1), today, counts)
    priorities = _plans(
        regions,
        seeder,
        datetime.date(first_year, 1, 1),
        datetime.date(today.year + 2, 12, 31),
        counts,
    )
    ctx = Context(
        # Repeatable test data, nothing secret.
        rng=random.Random(seed),  # nosec B311
        today=today,
        now=timezone.now(),
        seeder=seeder,
        reviewer=reviewer,
        regions=regions,
        cercles=cercles,
        priorities=priorities,
        mechanisms=mechanisms,
        windows=windows,
        qip_steps=list(
            TrancheStep.objects.filter(mechanism=mechanisms["qip"]).order_by("sequence")
        ),
        local_partners=organisations["local"],
        international_partners=organisations["international"] + organisations["un"],
        un_agencies=organisations["un"],
        donors=organisations["donors"],
        rates=rates,
    )
    ctx.counts.update(counts)
    return ctx


# --- Projects ----------------------------------------------------------------------


def _status(rng: random.Random, start: datetime.date, end: datetime.date, today) -> str:
    if start > today:
        return _weighted(rng, [("pipeline", 5), ("submitted", 3), ("approved", 2)])
    if end >= today:
        return _weighted(rng, [("ongoing", 88), ("approved", 6), ("cancelled", 6)])
    return _weighted(rng, [("closed", 55), ("completed", 30), ("ongoing", 8), ("cancelled", 7)])


def _new_project(ctx: Context) -> tuple[Project, list]:
    """An unsaved project and its cercles."""
    rng, today = ctx.rng, ctx.today
    code, _share, low, high, months_low, months_high = rng.choices(
        MECHANISM_MIX, [row[1] for row in MECHANISM_MIX]
    )[0]
    mechanism = ctx.mechanisms[code]
    window = None
    if code == "pbf" and ctx.windows:
        window = ctx.windows[_weighted(rng, [("irf", 4), ("prf", 6)])]
        months_low, months_high = WINDOW_MONTHS.get(window.code, (months_low, months_high))
    region = ctx.regions[rng.randrange(len(ctx.regions))]
    cercles = ctx.cercles[region.pk]
    chosen = rng.sample(cercles, k=min(len(cercles), rng.choice([1, 1, 2]))) if cercles else []
    place = chosen[0].name if chosen else region.name_fr
    template = rng.randrange(len(TEMPLATES))
    title, pillar, _indicator, _unit = TEMPLATES[template]

    first = datetime.date(today.year - YEARS_BACK, 1, 1)
    start = _between(rng, first, _add_days(today, 270))
    # Whole months minus a few days: within the limit however months_between counts.
    months = rng.randint(months_low, months_high)
    end = _add_days(start, months * 30 - rng.randrange(1, 10))
    status = _status(rng, start, end, today)

    currency = _weighted(rng, BUDGET_CURRENCIES[code])
    budget_usd = Decimal(rng.randrange(low, high, 500 if code == "qip" else 10_000))
    budget = from_usd(ctx, budget_usd, currency, min(start, today))

    actual_start = actual_end = None
    if status in RESULT_STATUSES:
        actual_start = min(_add_days(start, rng.randrange(0, 30)), today)
    if status in ("completed", "closed"):
        actual_end = min(max(_add_days(end, rng.randrange(-10, 40)), actual_start), today)

    priorities = ctx.priorities.get(region.pk) or []
    matching = [p for p in priorities if p.pillar == pillar] or priorities
    priority = matching[rng.randrange(len(matching))] if matching and rng.random() > 0.1 else None
    if code == "qip":
        partners = ctx.local_partners
    elif code == "pbf":
        partners = ctx.un_agencies or ctx.international_partners
    else:
        partners = ctx.international_partners + ctx.local_partners
    partner = partners[rng.randrange(len(partners))] if partners else None
    if status == "pipeline" and rng.random() < 0.2:
        partner = None

    scale = 1 if code == "qip" else 5
    project = Project(
        title=title.format(place=place),
        summary=(
            f"Projet conçu avec les autorités de {place} et les communautés pour contribuer "
            f"à la stabilisation et au relèvement ({pillar.label})."
        ),
        region=region,
        priority=priority,
        mechanism=mechanism,
        window=window,
        implementing_partner=partner,
        budget_amount=budget,
        budget_currency=currency,
        # As `projects.services.budget_in_usd` converts it.
        budget_usd=to_usd(ctx, budget, currency, min(start, today)),
        planned_start=start,
        planned_end=end,
        actual_start=actual_start,
        actual_end=actual_end,
        status=status,
        women=rng.randrange(20, 1500 * scale),
        men=rng.randrange(20, 1500 * scale),
        girls=rng.randrange(0, 1000 * scale),
        boys=rng.randrange(0, 1000 * scale),
        gender_marker=rng.choice(GenderMarker.values),
        created_by=ctx.seeder,
    )
    project.template = template  # which indicator its results measure
    return project, chosen


def _give_codes(projects: list[Project]) -> None:
    """Codes from the counters of `projects.services.next_code`, the counter
    rows locked; a number some project already carries is skipped."""
    wanted = Counter()
    prefixes = []
    for project in projects:
        prefix = "-".join(
            [
                project.mechanism.code.upper(),
                str(project.planned_start.year),
                region_abbreviation(project.region),
            ]
        )
        prefixes.append(prefix)
        wanted[prefix] += 1
    known = set(
        ProjectCodeSequence.objects.filter(prefix__in=wanted).values_list("prefix", flat=True)
    )
    ProjectCodeSequence.objects.bulk_create(
        [ProjectCodeSequence(prefix=prefix) for prefix in wanted if prefix not in known],
        ignore_conflicts=True,
    )
    sequences = {
        sequence.prefix: sequence
        for sequence in ProjectCodeSequence.objects.select_for_update().filter(prefix__in=wanted)
    }
    codes = []
    for prefix in prefixes:
        sequence = sequences[prefix]
        sequence.last += 1
        codes.append(f"{prefix}-{sequence.last:03d}")
    # Projects made outside the counters (an import, a fixture) may hold a
    # number already: take the next free one instead.
    taken = set(Project.objects.filter(code__in=codes).values_list("code", flat=True))
    for index, code in enumerate(codes):
        prefix = prefixes[index]
        while code in taken:
            sequences[prefix].last += 1
            code = f"{prefix}-{sequences[prefix].last:03d}"
            taken |= set(Project.objects.filter(code=code).values_list("code", flat=True))
        projects[index].code = code
    ProjectCodeSequence.objects.bulk_update(list(sequences.values()), ["last"])


# --- Locations, indicators and reports ---------------------------------------------


def _locations(ctx: Context, project: Project, cercles: list) -> list[Location]:
    rng = ctx.rng
    latitude, longitude = CENTRES.get(project.region.code, MALI_CENTRE)
    rows = []
    for n in range(rng.choice([1, 2, 2, 3])):
        cercle = cercles[n % len(cercles)] if cercles else None
        town = cercle.name if cercle else project.region.name_fr
        place = f"{town}, quartier {QUARTERS[rng.randrange(len(QUARTERS))]}"
        if rng.random() < 0.1:
            lat = lon = None
        else:
            lat = Decimal(f"{latitude + rng.uniform(-0.9, 0.9):.5f}")
            lon = Decimal(f"{longitude + rng.uniform(-0.9, 0.9):.5f}")
            lat = min(max(lat, MALI_LATITUDE[0]), MALI_LATITUDE[1])
            lon = min(max(lon, MALI_LONGITUDE[0]), MALI_LONGITUDE[1])
        rows.append(
            Location(
                project=project,
                place=place[:200],
                cercle=cercle,
                latitude=lat,
                longitude=lon,
                sensitivity=(
                    Location.Sensitivity.SENSITIVE
                    if rng.random() < 0.1
                    else Location.Sensitivity.NORMAL
                ),
            )
        )
    return rows


def _periods(start: datetime.date, last: datetime.date, months: int, limit: int):
    """Up to `limit` reporting periods of `months` from `start`, each ending
    by `last`; the latest ones."""
    periods = []
    period_start = start
    while True:
        end_month = period_start.month - 1 + months
        following = datetime.date(period_start.year + end_month // 12, end_month % 12 + 1, 1)
        period_end = following - datetime.timedelta(days=1)
        if period_end > last:
            break
        periods.append((period_start, period_end))
        period_start = following
    return periods[-limit:]


def _review_fields(ctx: Context, state: str, period_end: datetime.date) -> dict:
    """The review columns of a report in `state`, dated after its period."""
    fields = {"review_status": state, "created_by": ctx.seeder}
    if state == ReviewStatus.DRAFT:
        return fields
    submitted = _add_days(period_end, ctx.rng.randrange(3, 20))
    fields.update(submitted_by=ctx.seeder, submitted_at=_moment(ctx, submitted))
    if state in (ReviewStatus.APPROVED, ReviewStatus.RETURNED):
        reviewed = _add_days(submitted, ctx.rng.randrange(1, 15))
        fields.update(reviewed_by=ctx.reviewer, reviewed_at=_moment(ctx, reviewed))
        fields["reviewed_at"] = max(fields["reviewed_at"], fields["submitted_at"])
    return fields


def _latest_state(ctx: Context, project: Project) -> str:
    """The state of a project's latest report: approved once it is finished,
    any state while it runs; earlier reports are approved."""
    if project.status != "ongoing":
        return ReviewStatus.APPROVED
    return _weighted(
        ctx.rng,
        [
            (ReviewStatus.APPROVED, 5),
            (ReviewStatus.SUBMITTED, 2),
            (ReviewStatus.RETURNED, 1),
            (ReviewStatus.DRAFT, 2),
        ],
    )


def _report_window(ctx: Context, project: Project):
    """The days a project's reports may cover: from its actual start to its
    actual end, and at least 40 days before today (time to review them)."""
    last = _add_days(ctx.today, -40)
    if project.actual_end:
        last = min(last, project.actual_end)
    return project.actual_start, last


def _indicators(ctx: Context, project: Project) -> list[Indicator]:
    rng = ctx.rng
    rows = []
    _title, _pillar, indicator, unit = TEMPLATES[project.template]
    titles = [(indicator, unit), ("Personnes ayant bénéficié du projet", "personnes")]
    for title, unit in titles[: rng.choice([1, 2, 2])]:
        target = Decimal(rng.randrange(10, 5000))
        rows.append(
            Indicator(
                project=project,
                title=title,
                unit=unit,
                baseline=Decimal(rng.randrange(0, 10)),
                target=target,
                by_sex=rng.random() < 0.3,
            )
        )
    return rows


def _indicator_reports(ctx: Context, indicator: Indicator, project: Project) -> list:
    first, last = _report_window(ctx, project)
    periods = _periods(first, last, 6, 2) if first else []
    rows = []
    latest = _latest_state(ctx, project)
    for n, (start, end) in enumerate(periods, start=1):
        share = Decimal(n) / Decimal(len(periods)) * Decimal(ctx.rng.uniform(0.5, 1.0))
        value = (indicator.target * share).quantize(UNIT)
        women = men = None
        if indicator.by_sex:
            women = (value * Decimal(ctx.rng.uniform(0.3, 0.7))).quantize(UNIT)
            men = value - women
        state = latest if n == len(periods) else ReviewStatus.APPROVED
        rows.append(
            IndicatorReport(
                indicator=indicator,
                period_start=start,
                period_end=end,
                value=value,
                value_women=women,
                value_men=men,
                comment="Données des registres du partenaire.",
                **_review_fields(ctx, state, end),
            )
        )
    return rows


def _progress_reports(ctx: Context, project: Project) -> list[ProgressReport]:
    first, last = _report_window(ctx, project)
    periods = _periods(first, last, 3, 3) if first else []
    rows = []
    latest = _latest_state(ctx, project)
    for n, (start, end) in enumerate(periods, start=1):
        state = latest if n == len(periods) else ReviewStatus.APPROVED
        rows.append(
            ProgressReport(
                project=project,
                period_start=start,
                period_end=end,
                narrative=NARRATIVES[ctx.rng.randrange(len(NARRATIVES))],
                percent_complete=min(100, int(100 * n / len(periods) * ctx.rng.uniform(0.6, 1))),
                site_accessible=ctx.rng.random() > 0.15,
                **_review_fields(ctx, state, end),
            )
        )
    return rows


# --- Money -------------------------------------------------------------------------


@dataclass
class ProjectMoney:
    approvals: list = field(default_factory=list)
    tranches: list = field(default_factory=list)
    expenditures: list = field(default_factory=list)


def _money_row(ctx: Context, model, project: Project, amount: Decimal, day: datetime.date, **extra):
    currency = project.budget_currency
    return model(
        project=project,
        amount=amount,
        currency=currency,
        **in_usd(ctx, amount, currency, day),
        recorded_by=ctx.seeder,
        **extra,
    )


def _money(ctx: Context, project: Project) -> ProjectMoney:
    """A project's approvals (their contributions come later), tranches and
    spending, each total within the one before it."""
    rng, today = ctx.rng, ctx.today
    money = ProjectMoney()
    step = quantum(project.budget_currency)
    mechanism = project.mechanism
    approved_on = min(_add_days(project.planned_start, -rng.randrange(7, 60)), today)
    parts = [project.budget_amount]
    second_on = _add_days(approved_on, rng.randrange(30, 120))
    if mechanism.code != "qip" and second_on <= today and rng.random() < 0.15:
        parts = split(rng, project.budget_amount, 2, step)
    for n, amount in enumerate(parts):
        day = approved_on if n == 0 else second_on
        money.approvals.append(
            _money_row(
                ctx,
                FundingApproval,
                project,
                amount,
                day,
                mechanism=mechanism,
                approved_on=day,
                approving_body=mechanism.approving_body,
                decision_reference=f"{mechanism.acronym}/{day:%Y}/{project.code}-{n + 1}",
            )
        )
    approved = sum(parts)
    last_approval = max(row.approved_on for row in money.approvals)

    # Tranches: nothing yet for an approved project more often than not.
    if project.status == "approved" and rng.random() < 0.6:
        return money
    begin = project.actual_start or approved_on
    first_paid = min(max(_add_days(begin, rng.randrange(0, 20)), last_approval), today)
    finished = project.status in ("completed", "closed")
    if mechanism.code == "qip" and ctx.qip_steps:
        # The schedule: 80 % at signature, the rest at completion.
        signature, *rest = ctx.qip_steps
        share = (approved * signature.percent / 100).quantize(step, rounding=ROUND_HALF_UP)
        share = min(max(share, step), approved)
        amounts = [(share, signature, first_paid)]
        if finished and rest and approved - share > 0:
            paid = min(max(_add_days(project.actual_end, rng.randrange(0, 30)), first_paid), today)
            amounts.append((approved - share, rest[-1], paid))
    else:
        total = approved if finished else (approved * Decimal(rng.uniform(0.3, 0.8))).quantize(step)
        total = max(total, step)
        pieces = split(rng, total, rng.choice([1, 2, 3]), step)
        last_paid = today if not finished else max(min(project.actual_end, today), first_paid)
        days = sorted(_between(rng, first_paid, last_paid) for _ in pieces)
        days[0] = first_paid
        amounts = [(amount, None, day) for amount, day in zip(pieces, days, strict=True)]
    for n, (amount, tranche_step, day) in enumerate(amounts, start=1):
        money.tranches.append(
            _money_row(
                ctx,
                Tranche,
                project,
                amount,
                day,
                step=tranche_step,
                paid_on=day,
                reference=f"VIR-{project.code}-{n}",
            )
        )
    transferred = sum(amount for amount, _s, _d in amounts)

    # Spending: none before the project starts; most of what was sent while
    # it runs, nearly all of it once finished.
    if project.actual_start is None:
        return money
    ratio = rng.uniform(0.9, 1.0) if finished else rng.uniform(0.2, 0.9)
    spent = (transferred * Decimal(ratio)).quantize(step, rounding="ROUND_DOWN")
    if spent < step:
        return money
    first_day = money.tranches[0].paid_on
    last_day = min(project.actual_end or today, today)
    for amount in split(rng, spent, rng.choice([1, 2, 3]), step):
        day = _between(rng, first_day, max(last_day, first_day))
        money.expenditures.append(
            _money_row(
                ctx,
                Expenditure,
                project,
                amount,
                day,
                spent_on=day,
                category=rng.choice(Expenditure.Category.values),
                description="Dépenses déclarées par le partenaire.",
            )
        )
    return money


def _contributions(ctx: Context, approvals: list, mechanism: Mechanism, *, charge: bool):
    """Contributions whose deposits cover `approvals` (grouped by year and
    region, each group one contribution received before its first
    approval); where `charge`, each approval is charged to its group's
    contribution. Returns (contributions, deposits), unsaved."""
    rng = ctx.rng
    groups = defaultdict(list)
    for approval in approvals:
        groups[(approval.approved_on.year, approval.project.region_id)].append(approval)
    contributions, deposits = [], []
    for n, ((_year, region_id), group) in enumerate(sorted(groups.items())):
        donor = ctx.donors[rng.randrange(len(ctx.donors))]
        currency = DONOR_CURRENCIES.get(donor.acronym, "USD")
        needed = sum(approval.amount_usd for approval in group)
        first_approval = min(approval.approved_on for approval in group)
        last_received = _add_days(first_approval, -rng.randrange(1, 30))
        first_received = _add_days(last_received, -rng.randrange(0, 60))
        pledged_on = _add_days(first_received, -rng.randrange(10, 90))
        # Some room above the approvals, and two deposits where there is time.
        target = needed * Decimal(rng.uniform(1.02, 1.2)) + Decimal(1)
        days = sorted({first_received, last_received})
        usd_parts = split(rng, target.quantize(CENT), len(days), CENT)
        rows = []
        for usd, day in zip(usd_parts, days, strict=True):
            amount = from_usd(ctx, usd, currency, day)
            rows.append(
                Deposit(
                    amount=amount,
                    currency=currency,
                    **in_usd(ctx, amount, currency, day),
                    received_on=day,
                    reference=f"DEP-{day:%Y%m%d}-{n + 1}",
                    recorded_by=ctx.seeder,
                )
            )
        # Rounding to whole yen or francs may shave a cent or two off: top up.
        while sum(row.amount_usd for row in rows) < needed:
            last = rows[-1]
            last.amount += quantum(currency) * 100
            last.amount_usd = to_usd(ctx, last.amount, currency, last.received_on)
        received = sum(row.amount for row in rows)
        pledged = (
            received
            if rng.random() < 0.7
            else (received * Decimal("1.25")).quantize(quantum(currency))
        )
        contribution = Contribution(
            donor=donor,
            mechanism=mechanism,
            earmark_region_id=region_id if n % 3 == 0 else None,
            amount=pledged,
            currency=currency,
            **in_usd(ctx, pledged, currency, pledged_on),
            pledged_on=pledged_on,
            reference=f"ACC-{mechanism.acronym}-{pledged_on:%Y}-{n + 1:03d}",
            recorded_by=ctx.seeder,
        )
        contributions.append(contribution)
        for row in rows:
            row.contribution = contribution
        deposits.extend(rows)
        if charge:
            for approval in group:
                approval.contribution = contribution
    return contributions, deposits


# --- A batch -----------------------------------------------------------------------


def seed_batch(ctx: Context, size: int) -> None:
    """`size` projects with everything they carry, in one transaction."""
    with transaction.atomic():
        pairs = [_new_project(ctx) for _ in range(size)]
        projects = [project for project, _cercles in pairs]
        _give_codes(projects)
        _insert(Project, projects, ctx)

        links = [
            Project.cercles.through(project_id=project.pk, cercle_id=cercle.pk)
            for project, cercles in pairs
            for cercle in cercles
        ]
        _insert(Project.cercles.through, links, ctx)
        _insert(
            Location,
            [row for project, cercles in pairs for row in _locations(ctx, project, cercles)],
            ctx,
        )

        with_results = [project for project in projects if project.status in RESULT_STATUSES]
        indicators = [row for project in with_results for row in _indicators(ctx, project)]
        _insert(Indicator, indicators, ctx)
        _insert(
            IndicatorReport,
            [row for i in indicators for row in _indicator_reports(ctx, i, i.project)],
            ctx,
        )
        _insert(
            ProgressReport,
            [row for project in with_results for row in _progress_reports(ctx, project)],
            ctx,
        )

        money = [_money(ctx, project) for project in projects if project.status in MONEY_STATUSES]
        approvals = [row for m in money for row in m.approvals]
        for code, charge in (("tf", True), ("pbf", False)):
            mechanism = ctx.mechanisms[code]
            own = [a for a in approvals if a.mechanism_id == mechanism.pk]
            contributions, deposits = _contributions(ctx, own, mechanism, charge=charge)
            _insert(Contribution, contributions, ctx)
            _insert(Deposit, deposits, ctx)
        _insert(FundingApproval, approvals, ctx)
        _insert(Tranche, [row for m in money for row in m.tranches], ctx)
        _insert(Expenditure, [row for m in money for row in m.expenditures], ctx)


def seed(
    *,
    projects: int,
    seed: int = 1,
    batch: int = BATCH,
    report: Callable[[int, float], None] | None = None,
    today: datetime.date | None = None,
) -> Counter:
    """Seed `projects` projects in batches of `batch`; returns the rows
    created, by model label. `report(done, elapsed)` follows the progress."""
    started = time.monotonic()
    with transaction.atomic():
        ctx = prepare(seed=seed, today=today)
    done = 0
    while done < projects:
        size = min(batch, projects - done)
        seed_batch(ctx, size)
        done += size
        if report:
            report(done, time.monotonic() - started)
    # Bulk inserts send no signal: the cached figures are told here.
    cached_figures.changed()
    return ctx.counts
