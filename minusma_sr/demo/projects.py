"""About 120 demo projects across the northern regions and the three
mechanisms, with locations, indicators and reports in every review state."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from coordination.models import Organisation
from funding.models import Mechanism
from projects import services
from projects.models import (
    GenderMarker,
    Indicator,
    IndicatorReport,
    Location,
    ProgressReport,
    Project,
)
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
    hq = User.objects.get(username="hq")
    mechanisms = {m.code: m for m in Mechanism.objects.prefetch_related("windows")}
    ngos = list(Organisation.objects.filter(kind="ngo"))
    international = list(Organisation.objects.filter(kind__in=["un_agency", "ingo"]))
    created = 0
    for code, count, username, centre in REGIONS:
        region = Region.objects.get(code=code)
        officer = User.objects.get(username=username)
        cercles = list(region.cercles.all())
        priorities = list(
            PlanPriority.objects.filter(plan__region=region, plan__status="validated")
        )
        # QIPs are implemented by local actors: national NGOs and the region's authorities.
        local = ngos + list(
            Organisation.objects.filter(kind="local_authority", name__endswith=region.name_fr)
        )
        for n in range(count):
            title, pillar, indicator, unit = TEMPLATES[(n + len(code)) % len(TEMPLATES)]
            cercle = cercles[n % len(cercles)]
            project = _create(
                rng,
                n,
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
            status = STATUSES[n % len(STATUSES)]
            steps = STATUS_PATHS[status]
            if status == "closed" and close_later is not None:
                steps = steps[:-1]
                close_later.append(project)
            for step in steps:
                by = hq if step in ("approve", "close", "cancel") else officer
                project = services.move(project, by=by, step=step)
            if status in ("ongoing", "completed", "closed"):
                _results(project, officer, hq, indicator, unit, n)
            created += 1
    return created


def close_projects(projects: list[Project]) -> None:
    """Close the projects `seed_projects` left completed for their money."""
    hq = User.objects.get(username="hq")
    for project in projects:
        services.move(project, by=hq, step="close")


def _create(
    rng, n, region, officer, cercle, title, pillar, priorities, mechanisms, local, international
):
    kind = ("qip", "qip", "tf", "pbf")[n % 4]
    mechanism = mechanisms[kind]
    window = None
    year = 2023 + n % 3
    start = datetime.date(year, 1 + n % 12, 1)
    if kind == "qip":
        budget, currency = Decimal(rng.randrange(15_000, 50_000, 500)), "USD"
        end = start + datetime.timedelta(days=rng.choice([90, 120, 150, 175]))
        partner = local[n % len(local)]
    else:
        if kind == "pbf":
            window = list(mechanism.windows.all())[n % 2]
            months = 12 if window.code == "irf" else 24
        else:
            months = 18
        budget = Decimal(rng.randrange(300_000, 2_500_000, 10_000))
        currency = "USD" if n % 5 else "EUR"
        end = start + datetime.timedelta(days=30 * months)
        partner = international[n % len(international)]
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


def _results(project, officer, hq, indicator_title, unit, n) -> None:
    indicator = Indicator.objects.create(
        project=project,
        title=indicator_title,
        unit=unit,
        baseline=Decimal(0),
        target=Decimal(100 * (1 + n % 20)),
    )
    start = project.planned_start
    end = start + datetime.timedelta(days=89)
    state = REPORT_STATES[n % len(REPORT_STATES)]
    report = ProgressReport.objects.create(
        project=project,
        period_start=start,
        period_end=end,
        created_by=officer,
        narrative="Les travaux avancent conformément au calendrier ; l'accès reste difficile "
        "pendant la saison des pluies.",
        percent_complete=25 + (n * 7) % 70,
        site_accessible=n % 5 != 0,
    )
    value = IndicatorReport.objects.create(
        indicator=indicator,
        period_start=start,
        period_end=end,
        created_by=officer,
        value=indicator.target * Decimal("0.4"),
        comment="Données des registres du partenaire.",
    )
    for item in (report, value):
        if state == "draft":
            continue
        review_services.submit(item, by=officer, notify=False)
        if state == "returned":
            review_services.return_for_changes(
                item, by=hq, notify=False, comment="Merci de joindre les listes de présence."
            )
        elif state == "approved":
            review_services.approve(item, by=hq, notify=False)
