"""About 120 demo projects across the northern regions and the three
mechanisms, with locations, indicators and reports in every review state.

Dates follow today's: projects in the pipeline start in the coming months,
ongoing ones are under way (or just past their planned end), completed and
closed ones have ended, with actual dates to match. Each started project
reports on the periods its mechanism asks, people reached adding up towards
its targets; most reports are sent on time, some late, a few not at all.

Every step is taken through the portal's services, in the order their rules
ask: a project is created, submitted and approved here (or cancelled, with a
reason); once its funding is approved (`tooling.demo.money`), it starts on
its actual start, reports, is completed on its actual end once its final
report is approved, and is closed once its money is reconciled and no report
is pending (`Pending`: `start`, `report`, `complete`, `close`)."""

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coordination.models import Organisation
from core.periods import Frequency, periods
from funding.models import Mechanism, ReportingObligation
from projects import services
from projects.models import GenderMarker, Location, Project
from regions.models import Pillar, PlanPriority, Region
from reviews import services as review_services
from tooling.demo import dates

P = Pillar
# (title, pillar, indicator title, unit)
TEMPLATES = [
    (
        "Réhabilitation du point d'eau de {place}",
        P.BASIC_SERVICES,
        "Personnes ayant accès à l'eau potable",
        "personnes",
    ),
    (
        "Construction d'un forage pastoral à {place}",
        P.PRODUCTIVE,
        "Têtes de bétail abreuvées par jour",
        "têtes",
    ),
    (
        "Réhabilitation de la mairie de {place}",
        P.STATE_AUTHORITY,
        "Agents municipaux de retour à leur poste",
        "agents",
    ),
    (
        "Réhabilitation de l'école fondamentale de {place}",
        P.BASIC_SERVICES,
        "Élèves scolarisés",
        "élèves",
    ),
    (
        "Activités génératrices de revenus pour les femmes de {place}",
        P.PRODUCTIVE,
        "Femmes ayant un revenu régulier",
        "femmes",
    ),
    (
        "Formation professionnelle et insertion des jeunes de {place}",
        P.PRODUCTIVE,
        "Jeunes formés et installés",
        "jeunes",
    ),
    (
        "Dialogue intercommunautaire et cohésion sociale à {place}",
        P.SOCIAL_COHESION,
        "Conflits locaux résolus par les comités de paix",
        "conflits",
    ),
    (
        "Appui au retour des services techniques de l'État à {place}",
        P.STATE_AUTHORITY,
        "Services techniques opérationnels",
        "services",
    ),
    (
        "Éclairage public solaire à {place}",
        P.SECURITY,
        "Lampadaires solaires en service",
        "lampadaires",
    ),
    (
        "Équipement du centre de santé communautaire de {place}",
        P.BASIC_SERVICES,
        "Consultations prénatales par mois",
        "consultations",
    ),
    (
        "Espace de dialogue entre autorités et société civile à {place}",
        P.DIALOGUE,
        "Rencontres de dialogue tenues",
        "rencontres",
    ),
]
# (region, number of projects, regional officer, centre of the region)
REGIONS = [
    ("ML-7", 34, "gao", (Decimal("16.27"), Decimal("-0.04"))),
    ("ML-5", 32, "mopti", (Decimal("14.49"), Decimal("-4.19"))),
    ("ML-6", 28, "tombouctou", (Decimal("16.77"), Decimal("-3.01"))),
    ("ML-8", 18, "kidal", (Decimal("18.44"), Decimal("1.41"))),
    ("ML-9", 5, "gao", (Decimal("15.92"), Decimal("2.40"))),
    ("ML-10", 3, "tombouctou", (Decimal("22.68"), Decimal("-3.98"))),
]
# The review steps each status is reached by: submitted, approved and sent
# back by the review engine (`_review_step`), cancelled with a reason. The
# projects meant to go further stay approved until their funding is approved
# (`Pending`, taken on by `tooling.demo.money.seed_money`).
STATUS_PATHS = {
    "pipeline": [],
    "submitted": ["submit"],
    "approved": ["submit", "approve"],
    "ongoing": ["submit", "approve"],
    "completed": ["submit", "approve"],
    "closed": ["submit", "approve"],
    "cancelled": ["cancel"],
}
STATUSES = [
    "ongoing",
    "completed",
    "ongoing",
    "approved",
    "closed",
    "pipeline",
    "submitted",
    "ongoing",
    "completed",
    "cancelled",
]
CANCEL_REASONS = [
    "Le site n'est plus accessible depuis la dégradation de la sécurité sur l'axe ; "
    "le comité a décidé d'annuler le projet.",
    "Le partenaire de mise en œuvre s'est retiré de la zone avant la signature de l'accord.",
    "Les autorités locales ont confié l'ouvrage à un autre programme : le projet ferait "
    "double emploi.",
]
REPORT_STATES = ["approved", "submitted", "returned", "draft"]
STARTED = ("ongoing", "completed", "closed")
FINISHED = ("completed", "closed")
QIP_DAYS = [90, 120, 150, 175]
PEOPLE = ("women", "men", "girls", "boys")


@dataclass
class Pending:
    """A demo project `seed_projects` took as far as its approval, meant to
    reach `target` (ongoing, completed or closed) once its funding is
    approved: `tooling.demo.money.seed_money` takes it on, through `start`,
    `report`, `complete` and `close`."""

    project: Project
    target: str
    n: int
    officer: User
    indicator: str
    unit: str
    # The day it could start (a few days after the planned start) and, for a
    # finished project, the day it ended (around the planned end); neither
    # after today.
    start: datetime.date
    end: datetime.date | None

    @property
    def finished(self) -> bool:
        return self.target in FINISHED


@transaction.atomic
def seed_projects(*, later: list | None = None) -> int:
    """Create the demo projects that are missing; returns how many were created.

    Each is taken through the review steps its status needs (or cancelled,
    with a reason). Those meant to be ongoing, completed or closed are left
    approved, and added to `later` when it is given: a project starts once
    its funding is approved (`tooling.demo.money.seed_money`)."""
    if Project.objects.filter(created_by__username="gao", title__contains="point d'eau").exists():
        return 0
    # Repeatable demo data, nothing secret.
    rng = random.Random(2024)  # nosec B311
    today = timezone.localdate()
    hq = User.objects.get(username="hq")
    mechanisms = {m.code: m for m in Mechanism.objects.prefetch_related("windows")}
    ngos = list(Organisation.objects.filter(kind="ngo"))
    international = list(Organisation.objects.filter(kind__in=["un_agency", "ingo"]))
    created = 0
    for code, count, username, centre in REGIONS:
        region = Region.objects.get(code=code)
        officer = User.objects.get(username=username)
        cercles = list(region.cercles.all())
        # The priorities of the plan in force (drafted, not validated yet: see plans.py).
        priorities = list(
            PlanPriority.objects.filter(
                plan__region=region, plan__period_start__lte=today, plan__period_end__gte=today
            ).exclude(plan__status="archived")
        )
        # QIPs are implemented by local actors: national NGOs and the region's authorities.
        local = ngos + list(
            Organisation.objects.filter(kind="local_authority", name__endswith=region.name_fr)
        )
        for n in range(count):
            title, pillar, indicator, unit = TEMPLATES[(n + len(code)) % len(TEMPLATES)]
            cercle = cercles[n % len(cercles)]
            status = STATUSES[n % len(STATUSES)]
            project = _create(
                rng,
                n,
                status,
                today,
                region,
                officer,
                cercle,
                title,
                pillar,
                priorities,
                mechanisms,
                local,
                international,
            )
            _locations(rng, project, cercle, centre, sensitive=n % 6 == 0)
            for step in STATUS_PATHS[status]:
                by = officer if step == "submit" else hq
                project = _review_step(project, step, by=by, n=n)
            if status in STARTED:
                start = project.planned_start + datetime.timedelta(days=rng.randrange(0, 10))
                end = None
                if status in FINISHED:
                    # On or before the planned end: a project reports within its dates.
                    end = project.planned_end - datetime.timedelta(days=rng.randrange(0, 20))
                if later is not None:
                    later.append(
                        Pending(
                            project=project,
                            target=status,
                            n=n,
                            officer=officer,
                            indicator=indicator,
                            unit=unit,
                            start=min(start, today),
                            end=end and min(end, today),
                        )
                    )
            created += 1
    return created


def _review_step(project: Project, step: str, *, by, n: int) -> Project:
    """Take a review step or the cancellation (with a reason), without
    e-mailing headquarters about demo data."""
    reason = CANCEL_REASONS[n % len(CANCEL_REASONS)] if step == "cancel" else ""
    return services.move(project, by=by, step=step, comment=reason, notify=False)


def start(pending: Pending, *, funded_on: datetime.date) -> None:
    """Start the project once its funding is approved (on `funded_on`), on
    the day it could start, or the funding's day if that came later."""
    day = min(max(pending.start, funded_on), timezone.localdate())
    pending.project = services.move(pending.project, by=pending.officer, step="start", day=day)


def report(pending: Pending) -> None:
    """Its quarterly reports (`_results`), the last one final and approved
    for a project meant to be finished."""
    hq = User.objects.get(username="hq")
    _results(pending, hq, timezone.localdate())


def complete(pending: Pending) -> None:
    """Complete it on the day it ended: its final report is approved."""
    pending.project = services.move(
        pending.project, by=pending.officer, step="complete", day=pending.end
    )


def close(pending: Pending) -> None:
    """Close it: its money reconciled and no report pending."""
    hq = User.objects.get(username="hq")
    pending.project = services.move(pending.project, by=hq, step="close")


def _planned_dates(rng, status: str, days: int, today: datetime.date):
    """A planned start and end `days` apart that fit `status` on `today`:
    ahead for projects not approved yet; about now for approved ones (a few
    wait for their agreement past the planned start); under way for ongoing
    ones, a few just past their planned end; over for completed ones, and
    longer ago for closed ones."""
    if status == "pipeline":
        elapsed = -rng.randrange(45, 200)
    elif status == "submitted":
        elapsed = -rng.randrange(20, 90)
    elif status == "approved":
        elapsed = rng.choice([-40, -20, 10, 25])
    elif status == "ongoing":
        elapsed = int(days * rng.choice([0.15, 0.4, 0.65, 0.9, 1.05]))
    elif status == "completed":
        elapsed = days + rng.randrange(15, 100)
    elif status == "closed":
        elapsed = days + rng.randrange(120, 300)
    else:  # cancelled before it started
        elapsed = rng.randrange(-60, 60)
    start = today - datetime.timedelta(days=elapsed)
    return start, start + datetime.timedelta(days=days)


def _create(
    rng,
    n,
    status,
    today,
    region,
    officer,
    cercle,
    title,
    pillar,
    priorities,
    mechanisms,
    local,
    international,
):
    kind = ("qip", "qip", "tf", "pbf")[n % 4]
    mechanism = mechanisms[kind]
    window = None
    if kind == "qip":
        budget, currency = Decimal(rng.randrange(15_000, 50_000, 500)), "USD"
        days = rng.choice(QIP_DAYS)
        partner = local[n % len(local)]
    else:
        if kind == "pbf":
            window = list(mechanism.windows.all())[n % 2]
            months = 12 if window.code == "irf" else 24
        else:
            months = 18
        budget = Decimal(rng.randrange(300_000, 2_500_000, 10_000))
        currency = "USD" if n % 5 else "EUR"
        days = 30 * months
        partner = international[n % len(international)]
    start, end = _planned_dates(rng, status, days, today)
    matching = [p for p in priorities if p.pillar == pillar] or priorities or [None]
    project, _new = services.create_project(
        by=officer,
        title=title.format(place=cercle.name),
        summary=(
            f"Projet conçu avec les autorités de {cercle.name} et les communautés pour "
            "contribuer à la stabilisation et au relèvement du cercle."
        ),
        region=region,
        cercles=[cercle],
        priority=matching[n % len(matching)],
        mechanism=mechanism,
        window=window,
        implementing_partner=partner,
        focal_point=officer,
        budget_amount=budget,
        budget_currency=currency,
        planned_start=start,
        planned_end=end,
        women=rng.randrange(50, 3000),
        men=rng.randrange(50, 3000),
        girls=rng.randrange(0, 2000),
        boys=rng.randrange(0, 2000),
        gender_marker=(GenderMarker.SIGNIFICANT, GenderMarker.PRINCIPAL, GenderMarker.NOT_TARGETED)[
            n % 3
        ],
    )
    return project


def _locations(rng, project, cercle, centre, *, sensitive: bool) -> None:
    latitude, longitude = centre
    Location.objects.create(
        project=project,
        place=f"{cercle.name}, quartier {rng.randrange(1, 9)}",
        cercle=cercle,
        latitude=latitude + Decimal(rng.randrange(-50, 50)) / 100,
        longitude=longitude + Decimal(rng.randrange(-50, 50)) / 100,
        sensitivity=Location.Sensitivity.SENSITIVE if sensitive else Location.Sensitivity.NORMAL,
    )


def _report_periods(project: Project, end: datetime.date | None, today: datetime.date) -> list:
    """The periods its mechanism asks progress reports for (every quarter
    where it asks none, as for QIPs), from the actual start, that are over by
    today; a finished project's run up to its end. None goes past the planned
    end: a project running late cannot report on days outside its dates."""
    obligation = ReportingObligation.objects.filter(
        mechanism=project.mechanism_id, kind=ReportingObligation.Kind.PROGRESS, is_active=True
    ).first()
    frequency, days = (
        (obligation.frequency, obligation.due_days) if obligation else (Frequency.QUARTERLY, 30)
    )
    last = min(end or project.planned_end, project.planned_end)
    return [
        period
        for period in periods(frequency, project.actual_start, last, due_days=days)
        if period.end < today
    ]


def _results(pending: Pending, hq, today) -> None:
    """An indicator and a progress report for every period its mechanism
    asks, each report counting the people reached since the start: a growing
    share of those targeted, most of them by the end. The earlier reports
    are approved, sent on time or late; the latest is in the state the cycle
    gives, or missing for a few ongoing projects (overdue). A finished
    project also has its final report on its whole run, approved (the
    project is completed once it is); a closed project has no report left
    pending."""
    project, officer, n = pending.project, pending.officer, pending.n
    indicator = services.create_indicator(
        project,
        by=officer,
        title=pending.indicator,
        unit=pending.unit,
        baseline=Decimal(0),
        target=Decimal(100 * (1 + n % 20)),
    )
    planned_days = (project.planned_end - project.planned_start).days
    reached_at_end = Decimal(80 + n % 21) / 100
    found = _report_periods(project, pending.end, today)
    if not pending.finished and n % 7 == 3:
        found = found[:-1]  # the latest report was never written: overdue
    for number, period in enumerate(found, start=1):
        latest = number == len(found)
        elapsed = Decimal((period.end - project.actual_start).days + 1)
        share = min(elapsed / planned_days, Decimal(1)) * Decimal("0.95") * reached_at_end
        state = "approved"
        if latest and not pending.finished:
            # Not `n % 4`, which is also the turn of the mechanism.
            state = REPORT_STATES[(n + n // 4) % len(REPORT_STATES)]
        report, _new = services.create_progress_report(
            project,
            by=officer,
            period_start=period.start,
            period_end=period.end,
            narrative="Les travaux avancent conformément au calendrier ; l'accès reste "
            "difficile pendant la saison des pluies.",
            percent_complete=int(share / reached_at_end * 100),
            site_accessible=(n + number) % 5 != 0,
            **{f"{group}_reached": int(getattr(project, group) * share) for group in PEOPLE},
        )
        value, _new = services.create_indicator_report(
            indicator,
            by=officer,
            period_start=period.start,
            period_end=period.end,
            value=(indicator.target * share).quantize(Decimal(1), rounding=ROUND_DOWN),
            comment="Données des registres du partenaire.",
        )
        sent = dates.sent_on(period.due_on, n + number, today)
        for item in (report, value):
            _review(item, state, officer, hq)
            if state != "draft":
                dates.backdate(item, submitted=sent, today=today)
    if pending.finished:
        _final_report(pending, hq, today, reached_at_end)


def _final_report(pending: Pending, hq, today, reached: Decimal) -> None:
    """The report on the whole run, sent within the days the mechanism gives."""
    project, officer, n = pending.project, pending.officer, pending.n
    last = min(pending.end, project.planned_end)
    report, _new = services.create_progress_report(
        project,
        by=officer,
        period_start=project.actual_start,
        period_end=last,
        narrative="Rapport final : les ouvrages ont été réceptionnés et remis aux autorités "
        "et aux comités de gestion.",
        percent_complete=100,
        is_final=True,
        **{f"{group}_reached": int(getattr(project, group) * reached) for group in PEOPLE},
    )
    _review(report, "approved", officer, hq)
    due_on = last + datetime.timedelta(days=30)
    dates.backdate(report, submitted=dates.sent_on(due_on, n, today), today=today)


def _review(item, state: str, officer, hq) -> None:
    if state == "draft":
        return
    review_services.submit(item, by=officer, notify=False)
    if state == "returned":
        review_services.return_for_changes(
            item, by=hq, notify=False, comment="Merci de joindre les listes de présence."
        )
    elif state == "approved":
        review_services.approve(item, by=hq, notify=False)
