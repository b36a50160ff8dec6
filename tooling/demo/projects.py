"""About 120 demo projects across the northern regions and the three
mechanisms, with locations, indicators and reports in every review state.

Dates follow today's: projects in the pipeline start in the coming months,
ongoing ones are under way (or just past their planned end), completed and
closed ones have ended, with actual dates to match. Each started project
reports every quarter, people reached adding up towards its targets."""

import datetime
import random
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coordination.models import Organisation
from funding.models import Mechanism
from projects import services
from projects.models import GenderMarker, Location, Project
from regions.models import Pillar, PlanPriority, Region
from reviews import services as review_services

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
STATUS_PATHS = {
    "pipeline": [],
    "submitted": ["submit"],
    "approved": ["submit", "approve"],
    "ongoing": ["submit", "approve", "start"],
    "completed": ["submit", "approve", "start", "complete"],
    "closed": ["submit", "approve", "start", "complete", "close"],
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
REPORT_STATES = ["approved", "submitted", "returned", "draft"]
STARTED = ("ongoing", "completed", "closed")
FINISHED = ("completed", "closed")
QIP_DAYS = [90, 120, 150, 175]
REPORT_DAYS = 91  # a quarter
PEOPLE = ("women", "men", "girls", "boys")


@transaction.atomic
def seed_projects(*, close_later: list | None = None) -> int:
    """Create the demo projects that are missing; returns how many were created.

    Projects meant to be closed are left completed and added to `close_later`
    when it is given, for their money to be recorded first (closed projects
    are locked): then `close_projects` closes them."""
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
            steps = STATUS_PATHS[status]
            if status == "closed" and close_later is not None:
                steps = steps[:-1]
                close_later.append(project)
            for step in steps:
                by = hq if step in ("approve", "close", "cancel") else officer
                project = services.move(project, by=by, step=step)
                if step in ("start", "complete"):
                    project = _record_actual_date(rng, project, step, officer, today)
            if status in STARTED:
                _results(project, officer, hq, indicator, unit, n, status, today)
            created += 1
    return created


def close_projects(projects: list[Project]) -> None:
    """Close the projects `seed_projects` left completed for their money."""
    hq = User.objects.get(username="hq")
    for project in projects:
        services.move(project, by=hq, step="close")


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


def _record_actual_date(rng, project: Project, step: str, officer, today) -> Project:
    """The day the project actually started (a few days after the planned
    start) or ended (around the planned end), never after today."""
    if step == "start":
        day = project.planned_start + datetime.timedelta(days=rng.randrange(0, 10))
        return services.edit_project(
            project, by=officer, version=project.version, actual_start=min(day, today)
        )
    day = project.planned_end + datetime.timedelta(days=rng.randrange(-10, 40))
    return services.edit_project(
        project, by=officer, version=project.version, actual_end=min(day, today)
    )


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


def _report_periods(project: Project, today: datetime.date) -> list:
    """The quarters from the actual start that are over by today; a finished
    project's last one ends on its actual end."""
    last = project.actual_end or today
    periods = []
    start = project.actual_start
    while True:
        end = start + datetime.timedelta(days=REPORT_DAYS - 1)
        if end >= last:
            if project.actual_end:
                periods.append((start, project.actual_end))
            return periods
        periods.append((start, end))
        start = end + datetime.timedelta(days=1)


def _results(project, officer, hq, indicator_title, unit, n, status, today) -> None:
    """An indicator and a progress report for every quarter, each report
    counting the people reached since the start: a growing share of those
    targeted, most of them by the end. The earlier reports are approved; the
    latest is in the state the cycle gives (approved for a closed project)."""
    indicator = services.create_indicator(
        project,
        by=officer,
        title=indicator_title,
        unit=unit,
        baseline=Decimal(0),
        target=Decimal(100 * (1 + n % 20)),
    )
    planned_days = (project.planned_end - project.planned_start).days
    reached_at_end = Decimal(80 + n % 21) / 100
    periods = _report_periods(project, today)
    for number, (start, end) in enumerate(periods, start=1):
        latest = number == len(periods)
        if latest and status in FINISHED:
            done = Decimal(1)
        else:
            elapsed = Decimal((end - project.actual_start).days + 1)
            done = min(elapsed / planned_days, Decimal("0.95"))
        share = done * reached_at_end
        report, _new = services.create_progress_report(
            project,
            by=officer,
            period_start=start,
            period_end=end,
            narrative="Les travaux avancent conformément au calendrier ; l'accès reste "
            "difficile pendant la saison des pluies.",
            percent_complete=int(done * 100),
            site_accessible=(n + number) % 5 != 0,
            **{f"{group}_reached": int(getattr(project, group) * share) for group in PEOPLE},
        )
        value, _new = services.create_indicator_report(
            indicator,
            by=officer,
            period_start=start,
            period_end=end,
            value=(indicator.target * share).quantize(Decimal(1), rounding=ROUND_DOWN),
            comment="Données des registres du partenaire.",
        )
        state = "approved"
        if latest and status != "closed":
            state = REPORT_STATES[n % len(REPORT_STATES)]
        for item in (report, value):
            _review(item, state, officer, hq)


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
