"""Demo regional plans, priorities and plan updates, in French, for the four
northern regions: plans in force today, with updates of past quarters in
every state of the review workflow.

A priority's estimated cost is set so that the money approved for its
projects covers the share of it the demo gives (`coverage`, in per cent):
the plans are drafted before the projects, and costed and validated once
the money is recorded (a validated plan can no longer change).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from portfolio import coverage
from regions import services
from regions.models import (
    Pillar,
    PlanReportingObligation,
    PlanUpdate,
    PriorityProgress,
    Region,
    RegionalPlan,
)
from reviews import services as review_services
from tooling.demo import dates

P = Pillar

# Each plan runs from 1 January, YEARS_BEFORE years before today's, to 31
# December, YEARS_AFTER years after: it is in force whatever the day it is
# seeded, and began before the demo's oldest project.
YEARS_BEFORE, YEARS_AFTER = 3, 1

# region: title (the period's years are added), context, validating authority,
# priorities as (code, title, pillar, coverage in per cent), the regional
# officer who drafts the plan, and the review states of its updates, one per
# past quarter, the oldest first.
PLANS = {
    "ML-5": {
        "title": "Plan régional de stabilisation et de relèvement de Mopti",
        "context": (
            "Le centre du pays reste marqué par les violences intercommunautaires, la "
            "présence de groupes armés et la fermeture d'écoles dans les cercles de Bandiagara, "
            "Bankass et Koro. Le retour des services sociaux de base et le dialogue entre "
            "agriculteurs et éleveurs sont les priorités exprimées par les autorités régionales."
        ),
        "authority": "Conseil régional de Mopti",
        "priorities": [
            ("MOP-1", "Sécurisation des axes et des marchés ruraux", P.SECURITY, 80),
            (
                "MOP-2",
                "Dialogue intercommunautaire et gestion des conflits fonciers",
                P.SOCIAL_COHESION,
                65,
            ),
            ("MOP-3", "Relance des filières riz et bétail", P.PRODUCTIVE, 90),
            (
                "MOP-4",
                "Réouverture des écoles et des centres de santé",
                P.BASIC_SERVICES,
                60,
            ),
            ("MOP-5", "Retour de l'administration dans les cercles", P.STATE_AUTHORITY, 40),
        ],
        "user": "mopti",
        "updates": ["approved", "draft"],
    },
    "ML-6": {
        "title": "Plan régional de stabilisation et de relèvement de Tombouctou",
        "context": (
            "Les communes du Gourma et du fleuve subissent l'insécurité sur les axes et "
            "l'isolement. La relance de l'économie locale et la réhabilitation des "
            "infrastructures publiques conditionnent le retour durable des déplacés."
        ),
        "authority": "Gouvernorat de Tombouctou",
        "priorities": [
            ("TBT-1", "Réhabilitation des bâtiments administratifs", P.STATE_AUTHORITY, 75),
            ("TBT-2", "Accès à l'eau potable dans le Gourma", P.BASIC_SERVICES, 85),
            ("TBT-3", "Appui aux femmes transformatrices et aux artisans", P.PRODUCTIVE, 110),
            ("TBT-4", "Espaces de dialogue entre communautés", P.DIALOGUE, 60),
        ],
        "user": "tombouctou",
        "updates": ["submitted"],
    },
    "ML-7": {
        "title": "Plan régional de stabilisation et de relèvement de Gao",
        "context": (
            "Gao demeure un carrefour commercial exposé aux engins explosifs improvisés et "
            "aux attaques contre les civils. L'accès à l'électricité, à l'eau et à l'emploi des "
            "jeunes est déterminant pour réduire le recrutement par les groupes armés."
        ),
        "authority": "Assemblée régionale de Gao",
        "priorities": [
            ("GAO-1", "Éclairage public et sécurité urbaine", P.SECURITY, 70),
            ("GAO-2", "Emploi des jeunes et formation professionnelle", P.PRODUCTIVE, 95),
            ("GAO-3", "Santé et eau potable à Ansongo et Bourem", P.BASIC_SERVICES, 60),
            ("GAO-4", "Cohésion sociale et réconciliation", P.SOCIAL_COHESION, 85),
            (
                "GAO-5",
                "Redéploiement des services techniques de l'État",
                P.STATE_AUTHORITY,
                75,
            ),
            ("GAO-6", "Dialogue politique inclusif au niveau local", P.DIALOGUE, 35),
        ],
        "user": "gao",
        "updates": ["approved", "returned", "submitted"],
    },
    "ML-8": {
        "title": "Plan régional de stabilisation et de relèvement de Kidal",
        "context": (
            "L'accès humanitaire reste limité et la présence de l'État fragile. Le plan "
            "privilégie les services sociaux de base et le dialogue avec les autorités "
            "traditionnelles."
        ),
        "authority": "Autorités intérimaires de la région de Kidal",
        "priorities": [
            ("KID-1", "Centres de santé communautaires", P.BASIC_SERVICES, 70),
            ("KID-2", "Dialogue avec les autorités traditionnelles", P.DIALOGUE, 55),
            ("KID-3", "Points d'eau pastoraux", P.PRODUCTIVE, 80),
            ("KID-4", "Réhabilitation de la mairie de Tessalit", P.STATE_AUTHORITY, 65),
        ],
        "user": "kidal",
        "updates": ["approved", "submitted"],
    },
}

PROGRESS = [
    PriorityProgress.Status.ON_TRACK,
    PriorityProgress.Status.DELAYED,
    PriorityProgress.Status.BLOCKED,
]
THOUSAND = Decimal(1000)
# The cost of a priority none of whose projects has money yet.
UNFUNDED_COST = Decimal(500_000)


def plan_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return (
        datetime.date(today.year - YEARS_BEFORE, 1, 1),
        datetime.date(today.year + YEARS_AFTER, 12, 31),
    )


def _demo_plan(region: Region, data: dict) -> RegionalPlan | None:
    """The region's demo plan, whatever years its title carries."""
    return RegionalPlan.objects.filter(region=region, title__startswith=data["title"]).first()


@transaction.atomic
def seed_plans() -> int:
    """Draft the plans that are missing, with their priorities; returns the
    number of plans created. `validate_plans` costs and validates them."""
    start, end = plan_period(timezone.localdate())
    created = 0
    for code, data in PLANS.items():
        region = Region.objects.get(code=code)
        if _demo_plan(region, data):
            continue
        author = User.objects.get(username=data["user"])
        plan, _new = services.create_plan(
            by=author,
            region=region,
            title=f"{data['title']} {start.year}-{end.year}",
            period_start=start,
            period_end=end,
            context_analysis=data["context"],
        )
        for priority_code, title, pillar, _coverage in data["priorities"]:
            services.create_priority(
                plan, by=author, code=priority_code, title=title, pillar=pillar
            )
        created += 1
    return created


@transaction.atomic
def validate_plans() -> int:
    """Cost the priorities of the demo plans still in draft from the money
    approved for their projects, have headquarters validate the plans and
    report on the past quarters; returns how many plans were validated."""
    hq = User.objects.get(username="hq")
    today = timezone.localdate()
    validated = 0
    for code, data in PLANS.items():
        plan = _demo_plan(Region.objects.get(code=code), data)
        if plan is None or plan.status != RegionalPlan.Status.DRAFT:
            continue
        author = User.objects.get(username=data["user"])
        shares = {priority: share for priority, *_rest, share in data["priorities"]}
        _set_costs(plan, author, shares)
        # The author sends it, another officer (headquarters) validates it.
        plan = services.send_plan_for_review(plan, by=author, notify=False)
        plan = services.validate_plan(
            plan,
            by=hq,
            validation_date=plan.period_start.replace(month=3, day=15),
            validating_authority=data["authority"],
            notify=False,
        )
        _seed_updates(plan, author, hq, data["updates"], today)
        validated += 1
    return validated


def _set_costs(plan: RegionalPlan, author, shares: dict[str, int]) -> None:
    """Give each priority the cost of which the money approved for its
    projects is `shares[code]` per cent (to the thousand dollars)."""
    for priority in coverage.priorities_with_totals(plan):
        approved = priority.approved_usd
        cost = approved * 100 / shares[priority.code] if approved else UNFUNDED_COST
        services.edit_priority(
            priority,
            by=author,
            version=priority.version,
            estimated_cost_usd=(cost / THOUSAND).quantize(Decimal(1), ROUND_HALF_UP) * THOUSAND,
        )


def _seed_updates(plan, author, hq, states, today) -> None:
    """An update for every quarter of the plan over by today: the older ones
    approved, sent on time or late; the latest in `states`. The quarter
    before those was never reported: it is overdue."""
    priorities = list(plan.priorities.all())
    obligation = PlanReportingObligation.objects.filter(is_active=True).first()
    if obligation is None:
        return
    quarters = [
        period
        for period in obligation.periods_for(plan.period_start, plan.period_end)
        if period.end < today
    ]
    never_reported = len(quarters) - len(states) - 1
    states = ["approved"] * (len(quarters) - len(states)) + list(states)
    for number, (period, state) in enumerate(zip(quarters, states, strict=False)):
        if number == never_reported:
            continue
        progress = {
            priority.pk: (PROGRESS[i % len(PROGRESS)], f"Avancement de l'axe {priority.code}.")
            for i, priority in enumerate(priorities)
        }
        update, _new = services.create_update(
            plan,
            by=author,
            progress=progress,
            period_start=period.start,
            period_end=period.end,
            narrative="Les activités ont progressé malgré les contraintes d'accès.",
            risks="Engins explosifs sur les axes secondaires ; saison des pluies.",
            access_constraints="Escortes nécessaires au-delà de 30 km du chef-lieu.",
        )
        if state == "draft":
            continue
        review_services.submit(update, by=author, notify=False)
        if state == "returned":
            review_services.return_for_changes(
                update,
                by=hq,
                notify=False,
                comment="Merci de préciser les chiffres de l'axe 2 et les sites visités.",
            )
        elif state == "approved":
            review_services.approve(update, by=hq, notify=False)
        sent = dates.sent_on(period.due_on, plan.pk + number, today)
        dates.backdate(update, submitted=sent, today=today)


def updates_by_state() -> dict[str, int]:
    return {
        state: PlanUpdate.objects.filter(review_status=state).count()
        for state in ("draft", "submitted", "returned", "approved")
    }
