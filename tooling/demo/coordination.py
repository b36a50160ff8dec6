"""Demo partners, coordination bodies and a year of their meetings, with
minutes and decisions in every status. A regional committee's decisions name
projects and the plan of its own region; national bodies' name plans."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coordination import services
from coordination.models import CoordinationBody, Decision, Membership, Organisation
from projects.models import Project
from regions.models import Region, RegionalPlan

K = Organisation.Kind

# (name, acronym, kind, country)
ORGANISATIONS = [
    ("Agence française de développement", "AFD", K.BILATERAL, "FR"),
    ("Ambassade de France au Mali", "France", K.BILATERAL, "FR"),
    ("Deutsche Gesellschaft für Internationale Zusammenarbeit", "GIZ", K.BILATERAL, "DE"),
    ("Ambassade du Royaume des Pays-Bas", "Pays-Bas", K.BILATERAL, "NL"),
    ("Agence suédoise de coopération internationale au développement", "Asdi", K.BILATERAL, "SE"),
    ("Ambassade royale du Danemark", "Danemark", K.BILATERAL, "DK"),
    ("Affaires mondiales Canada", "AMC", K.BILATERAL, "CA"),
    ("Agence des États-Unis pour le développement international", "USAID", K.BILATERAL, "US"),
    ("Foreign, Commonwealth & Development Office", "FCDO", K.BILATERAL, "GB"),
    ("Direction du développement et de la coopération", "DDC", K.BILATERAL, "CH"),
    ("Agence belge de développement", "Enabel", K.BILATERAL, "BE"),
    ("Agence luxembourgeoise pour la coopération au développement", "LuxDev", K.BILATERAL, "LU"),
    ("Ambassade royale de Norvège", "Norvège", K.BILATERAL, "NO"),
    ("Agence japonaise de coopération internationale", "JICA", K.BILATERAL, "JP"),
    ("Agence espagnole de coopération internationale", "AECID", K.BILATERAL, "ES"),
    ("Délégation de l'Union européenne au Mali", "UE", K.MULTILATERAL, ""),
    ("Banque mondiale", "BM", K.MULTILATERAL, ""),
    ("Banque africaine de développement", "BAD", K.MULTILATERAL, ""),
    ("Banque islamique de développement", "BID", K.MULTILATERAL, ""),
    (
        "Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation au Mali",
        "MINUSMA",
        K.UN_AGENCY,
        "",
    ),
    ("Programme des Nations Unies pour le développement", "PNUD", K.UN_AGENCY, ""),
    ("Fonds des Nations Unies pour l'enfance", "UNICEF", K.UN_AGENCY, ""),
    ("Haut-Commissariat des Nations Unies pour les réfugiés", "HCR", K.UN_AGENCY, ""),
    ("Programme alimentaire mondial", "PAM", K.UN_AGENCY, ""),
    ("Organisation des Nations Unies pour l'alimentation et l'agriculture", "FAO", K.UN_AGENCY, ""),
    ("Organisation mondiale de la santé", "OMS", K.UN_AGENCY, ""),
    (
        "Entité des Nations Unies pour l'égalité des sexes et l'autonomisation des femmes",
        "ONU Femmes",
        K.UN_AGENCY,
        "",
    ),
    ("Organisation internationale pour les migrations", "OIM", K.UN_AGENCY, ""),
    ("Bureau des Nations Unies pour les services d'appui aux projets", "UNOPS", K.UN_AGENCY, ""),
    ("Bureau de la coordination des affaires humanitaires", "OCHA", K.UN_AGENCY, ""),
    ("Service de la lutte antimines des Nations Unies", "UNMAS", K.UN_AGENCY, ""),
    ("Conseil norvégien pour les réfugiés", "NRC", K.INTERNATIONAL_NGO, "NO"),
    ("Comité international de la Croix-Rouge", "CICR", K.INTERNATIONAL_NGO, "CH"),
    ("Oxfam", "", K.INTERNATIONAL_NGO, "GB"),
    ("Save the Children", "", K.INTERNATIONAL_NGO, "GB"),
    ("Mercy Corps", "", K.INTERNATIONAL_NGO, "US"),
    (
        "Agence d'aide à la coopération technique et au développement",
        "ACTED",
        K.INTERNATIONAL_NGO,
        "FR",
    ),
    ("Association malienne pour la survie au Sahel", "AMSS", K.NATIONAL_NGO, "ML"),
    ("Tassaght", "", K.NATIONAL_NGO, "ML"),
    ("Ministère de la Réconciliation nationale", "MRN", K.GOVERNMENT, "ML"),
    ("Ministère de l'Économie et des Finances", "MEF", K.GOVERNMENT, "ML"),
    ("Agence de développement du Nord du Mali", "ADN", K.GOVERNMENT, "ML"),
    ("Gouvernorat de la région de Mopti", "", K.LOCAL_AUTHORITY, "ML"),
    ("Gouvernorat de la région de Tombouctou", "", K.LOCAL_AUTHORITY, "ML"),
    ("Gouvernorat de la région de Gao", "", K.LOCAL_AUTHORITY, "ML"),
    ("Gouvernorat de la région de Kidal", "", K.LOCAL_AUTHORITY, "ML"),
    ("Chambre de commerce et d'industrie du Mali", "CCIM", K.PRIVATE, "ML"),
]

B, R = CoordinationBody.Kind, Membership.Role
NATIONAL_BODIES = [
    # (name in French, in English, acronym, kind, months between meetings, [(member, role)])
    (
        "Groupe exécutif de coordination des partenaires techniques et financiers",
        "Executive group of the technical and financial partners",
        "GE-PTF",
        B.DONOR_GROUP,
        2,
        [
            ("UE", R.CHAIR),
            ("France", R.CO_CHAIR),
            ("BM", R.MEMBER),
            ("Pays-Bas", R.MEMBER),
            ("Asdi", R.MEMBER),
            ("USAID", R.MEMBER),
            ("AMC", R.MEMBER),
            ("MINUSMA", R.OBSERVER),
            ("PNUD", R.SECRETARIAT),
        ],
    ),
    (
        "Commission Réhabilitation des Zones Post-Conflit",
        "Post-Conflict Areas Rehabilitation Commission",
        "CRZPC",
        B.REHABILITATION,
        1,
        [
            ("MINUSMA", R.CO_CHAIR),
            ("PNUD", R.CO_CHAIR),
            ("France", R.CO_CHAIR),
            ("AFD", R.MEMBER),
            ("GIZ", R.MEMBER),
            ("UE", R.MEMBER),
            ("UNICEF", R.MEMBER),
            ("ADN", R.MEMBER),
            ("DDC", R.MEMBER),
            ("UNOPS", R.SECRETARIAT),
        ],
    ),
    (
        "Dialogue politique de haut niveau avec le Gouvernement",
        "High-level political dialogue with the Government",
        "DPHN",
        B.POLITICAL_DIALOGUE,
        3,
        [
            ("MRN", R.CHAIR),
            ("MEF", R.CO_CHAIR),
            ("UE", R.MEMBER),
            ("BM", R.MEMBER),
            ("MINUSMA", R.MEMBER),
            ("France", R.MEMBER),
            ("BAD", R.OBSERVER),
        ],
    ),
]
REGIONAL_MEMBERS = [
    ("MINUSMA", R.MEMBER),
    ("PNUD", R.MEMBER),
    ("UNICEF", R.MEMBER),
    ("NRC", R.MEMBER),
    ("CICR", R.OBSERVER),
    ("AMSS", R.MEMBER),
    ("OCHA", R.SECRETARIAT),
]
REGIONAL_BODIES = {"ML-5": "Mopti", "ML-6": "Tombouctou", "ML-7": "Gao", "ML-8": "Kidal"}

DECISIONS = [
    "Transmettre au secrétariat la cartographie actualisée des interventions par cercle",
    "Organiser une mission conjointe d'évaluation des besoins dans les cercles les moins "
    "accessibles",
    "Partager les termes de référence du prochain appel à projets à impact rapide",
    "Mettre à jour la matrice des risques sécuritaires sur les axes routiers",
    "Préparer une note sur le retour des services techniques de l'État",
]
PROJECT_DECISION = "Organiser une mission conjointe de suivi du projet « {title} »"
PLAN_DECISION = (
    "Présenter l'état d'avancement du {plan} et les axes prioritaires encore sans financement"
)
AGENDA = "1. Situation sécuritaire et accès\n2. Avancement des plans et projets\n3. Divers"
STATUS_CYCLE = [
    Decision.Status.DONE,
    Decision.Status.IN_PROGRESS,
    Decision.Status.OPEN,
    Decision.Status.DROPPED,
    Decision.Status.DONE,
]


@transaction.atomic
def seed_organisations() -> int:
    """Create the partners that are missing; returns how many were created."""
    created = 0
    for name, acronym, kind, country in ORGANISATIONS:
        _organisation, new = Organisation.objects.get_or_create(
            name=name, defaults={"acronym": acronym, "kind": kind, "country": country}
        )
        created += new
    return created


@transaction.atomic
def seed_meetings() -> int:
    """Create the bodies and their meetings that are missing, once the plans
    and projects their decisions name exist; returns the meetings created."""
    hq = User.objects.get(username="hq")
    by_acronym = {o.acronym or o.name: o for o in Organisation.objects.all()}
    created = 0
    for name, name_en, acronym, kind, months, members in NATIONAL_BODIES:
        body = _body((name, name_en), acronym, kind, None, members, by_acronym, hq)
        created += _meetings(body, months, hq)
    for code, city in REGIONAL_BODIES.items():
        region = Region.objects.get(code=code)
        authority = f"Gouvernorat de la région de {city}"
        members = [(authority, R.CHAIR), *REGIONAL_MEMBERS]
        officer = User.objects.get(username=city.lower())
        body = _body(
            (
                f"Comité régional de coordination de {city}",
                f"{city} regional coordination committee",
            ),
            f"CRC {city}",
            B.REGIONAL_COMMITTEE,
            region,
            members,
            by_acronym,
            officer,
        )
        created += _meetings(body, 1, officer)
    return created


def _body(names, acronym, kind, region, members, organisations, by) -> CoordinationBody:
    """The body named (`names` in French and English), created with its
    members if missing."""
    name, name_en = names
    body, created = CoordinationBody.objects.get_or_create(
        name=name, defaults={"name_en": name_en, "acronym": acronym, "kind": kind, "region": region}
    )
    if created:
        start = datetime.date(2021, 1, 1)
        for key, role in members:
            services.add_member(
                body, by=by, organisation=organisations[key], role=role, start_date=start
            )
    return body


def _meetings(body: CoordinationBody, months: int, by) -> int:
    """About ten months of past meetings and two months ahead, once per body."""
    if body.meetings.exists():
        return 0
    today = timezone.localdate()
    members = list(body.members.all())
    plans = RegionalPlan.objects.filter(status=RegionalPlan.Status.VALIDATED).order_by("region")
    if body.region_id:
        plans = plans.filter(region=body.region_id)
    plans = list(plans)
    created = 0
    for offset in range(-10, 3, months):
        day = _shift_months(today.replace(day=15), offset)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
        past = offset < 0
        decisions = []
        if past:
            decisions += _named(body, day, created, plans, members)
            for i in range(1, 1 + created % 3):
                status = STATUS_CYCLE[(created + i) % len(STATUS_CYCLE)]
                due = day + datetime.timedelta(days=30 * (1 + i))
                if status in (Decision.Status.OPEN, Decision.Status.IN_PROGRESS) and i % 2:
                    due = today + datetime.timedelta(days=15 * i)  # still ahead
                decisions.append(
                    {
                        "text": DECISIONS[(created + i) % len(DECISIONS)],
                        "owner_organisation": members[(created + i) % len(members)],
                        "due_date": due,
                        "status": status,
                    }
                )
        services.create_meeting(
            body,
            by=by,
            starts_at=starts_at,
            place="Salle de réunion du gouvernorat"
            if body.region_id
            else "Bamako, Cité administrative",
            agenda=AGENDA,
            minutes="Les participants ont passé en revue l'avancement des actions." if past else "",
            organisations=members[:5],
            attendees=[by],
            decisions=decisions,
        )
        created += 1
    return created


def _named(body, day, number, plans, members) -> list[dict]:
    """The first decision of a past meeting: every other meeting, one about
    a plan (the committee's own region's, for a regional committee); in
    between, one about a project of the committee's region under way that
    day, or for a national body one of the usual action points."""
    status = STATUS_CYCLE[number % len(STATUS_CYCLE)]
    owner = members[number % len(members)]
    due = day + datetime.timedelta(days=30)
    if number % 2 == 0 and plans:
        plan = plans[number // 2 % len(plans)]
        text = PLAN_DECISION.format(plan=plan.title[0].lower() + plan.title[1:])
        return [_decision(text, owner, due, status, plan=plan)]
    under_way = Project.objects.filter(
        region=body.region_id, actual_start__lte=day, status__in=["ongoing", "completed"]
    )
    projects = list(under_way.order_by("code")) if body.region_id else []
    if projects:
        project = projects[number % len(projects)]
        text = PROJECT_DECISION.format(title=project.title)
        return [_decision(text, owner, due, status, project=project)]
    return [_decision(DECISIONS[number % len(DECISIONS)], owner, due, status)]


def _decision(text, owner, due, status, **subject) -> dict:
    return {"text": text, "owner_organisation": owner, "due_date": due, "status": status, **subject}


def _shift_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)
