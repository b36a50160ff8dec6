"""Demo regional plans, priorities and plan updates, in French, for the four
northern regions, with updates in every state of the review workflow."""

import datetime
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from regions import services
from regions.models import Pillar, PlanUpdate, PriorityProgress, Region, RegionalPlan
from reviews import services as review_services

P = Pillar

PLANS = {
    "ML-5": {
        "title": "Plan régional de stabilisation et de relèvement de Mopti 2023-2025",
        "context": (
            "Le centre du pays reste marqué par les violences intercommunautaires, la "
            "présence de groupes armés et la fermeture d'écoles dans les cercles de Bandiagara, "
            "Bankass et Koro. Le retour des services sociaux de base et le dialogue entre "
            "agriculteurs et éleveurs sont les priorités exprimées par les autorités régionales."
        ),
        "authority": "Conseil régional de Mopti",
        "priorities": [
            ("MOP-1", "Sécurisation des axes et des marchés ruraux", P.SECURITY, "1800000"),
            (
                "MOP-2",
                "Dialogue intercommunautaire et gestion des conflits fonciers",
                P.SOCIAL_COHESION,
                "950000",
            ),
            ("MOP-3", "Relance des filières riz et bétail", P.PRODUCTIVE, "2400000"),
            (
                "MOP-4",
                "Réouverture des écoles et des centres de santé",
                P.BASIC_SERVICES,
                "3100000",
            ),
            ("MOP-5", "Retour de l'administration dans les cercles", P.STATE_AUTHORITY, "700000"),
        ],
        "user": "mopti",
        "updates": ["approved", "draft"],
    },
    "ML-6": {
        "title": "Plan régional de stabilisation et de relèvement de Tombouctou 2023-2025",
        "context": (
            "Les communes du Gourma et du fleuve subissent l'insécurité sur les axes et "
            "l'isolement. La relance de l'économie locale et la réhabilitation des "
            "infrastructures publiques conditionnent le retour durable des déplacés."
        ),
        "authority": "Gouvernorat de Tombouctou",
        "priorities": [
            ("TBT-1", "Réhabilitation des bâtiments administratifs", P.STATE_AUTHORITY, "850000"),
            ("TBT-2", "Accès à l'eau potable dans le Gourma", P.BASIC_SERVICES, "1250000"),
            ("TBT-3", "Appui aux femmes transformatrices et aux artisans", P.PRODUCTIVE, "600000"),
            ("TBT-4", "Espaces de dialogue entre communautés", P.DIALOGUE, "400000"),
        ],
        "user": "tombouctou",
        "updates": ["submitted"],
    },
    "ML-7": {
        "title": "Plan régional de stabilisation et de relèvement de Gao 2023-2025",
        "context": (
            "Gao demeure un carrefour commercial exposé aux engins explosifs improvisés et "
            "aux attaques contre les civils. L'accès à l'électricité, à l'eau et à l'emploi des "
            "jeunes est déterminant pour réduire le recrutement par les groupes armés."
        ),
        "authority": "Assemblée régionale de Gao",
        "priorities": [
            ("GAO-1", "Éclairage public et sécurité urbaine", P.SECURITY, "1100000"),
            ("GAO-2", "Emploi des jeunes et formation professionnelle", P.PRODUCTIVE, "1900000"),
            ("GAO-3", "Santé et eau potable à Ansongo et Bourem", P.BASIC_SERVICES, "2200000"),
            ("GAO-4", "Cohésion sociale et réconciliation", P.SOCIAL_COHESION, "650000"),
            (
                "GAO-5",
                "Redéploiement des services techniques de l'État",
                P.STATE_AUTHORITY,
                "900000",
            ),
            ("GAO-6", "Dialogue politique inclusif au niveau local", P.DIALOGUE, "300000"),
        ],
        "user": "gao",
        "updates": ["approved", "returned", "submitted"],
    },
    "ML-8": {
        "title": "Plan régional de stabilisation et de relèvement de Kidal 2024-2026",
        "context": (
            "L'accès humanitaire reste limité et la présence de l'État fragile. Le plan "
            "privilégie les services sociaux de base et le dialogue avec les autorités "
            "traditionnelles."
        ),
        "authority": "",
        "priorities": [
            ("KID-1", "Centres de santé communautaires", P.BASIC_SERVICES, "1300000"),
            ("KID-2", "Dialogue avec les autorités traditionnelles", P.DIALOGUE, "250000"),
            ("KID-3", "Points d'eau pastoraux", P.PRODUCTIVE, "800000"),
            ("KID-4", "Réhabilitation de la mairie de Tessalit", P.STATE_AUTHORITY, "350000"),
        ],
        "user": "kidal",
        "updates": [],
    },
}

QUARTERS = [
    (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
    (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30)),
    (datetime.date(2024, 7, 1), datetime.date(2024, 9, 30)),
]
PROGRESS = [
    PriorityProgress.Status.ON_TRACK,
    PriorityProgress.Status.DELAYED,
    PriorityProgress.Status.BLOCKED,
]


@transaction.atomic
def seed_plans() -> int:
    """Create what is missing; returns the number of plans created."""
    hq = User.objects.get(username="hq")
    created = 0
    for code, data in PLANS.items():
        region = Region.objects.get(code=code)
        if RegionalPlan.objects.filter(region=region, title=data["title"]).exists():
            continue
        author = User.objects.get(username=data["user"])
        start = 2024 if code == "ML-8" else 2023
        plan, _new = services.create_plan(
            by=author,
            region=region,
            title=data["title"],
            period_start=datetime.date(start, 1, 1),
            period_end=datetime.date(start + 2, 12, 31),
            context_analysis=data["context"],
        )
        for priority_code, title, pillar, cost in data["priorities"]:
            services.create_priority(
                plan,
                by=author,
                code=priority_code,
                title=title,
                pillar=pillar,
                estimated_cost_usd=Decimal(cost),
            )
        plan = services.send_plan_for_review(plan, by=author)
        if data["authority"]:
            plan = services.validate_plan(
                plan,
                by=hq,
                validation_date=datetime.date(start, 3, 15),
                validating_authority=data["authority"],
            )
            _seed_updates(plan, author, hq, data["updates"])
        created += 1
    return created


def _seed_updates(plan, author, hq, states) -> None:
    priorities = list(plan.priorities.all())
    for (start, end), state in zip(QUARTERS, states, strict=False):
        progress = {
            priority.pk: (PROGRESS[i % len(PROGRESS)], f"Avancement de l'axe {priority.code}.")
            for i, priority in enumerate(priorities)
        }
        update, _new = services.create_update(
            plan,
            by=author,
            progress=progress,
            period_start=start,
            period_end=end,
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


def updates_by_state() -> dict[str, int]:
    return {
        state: PlanUpdate.objects.filter(review_status=state).count()
        for state in ("draft", "submitted", "returned", "approved")
    }
