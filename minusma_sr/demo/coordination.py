"""Demo partners, coordination bodies and a year of their meetings, with
minutes and decisions in every status."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coordination import services
from coordination.models import CoordinationBody, Decision, Membership, Organisation
from regions.models import Region

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
    # (name, acronym, kind, months between meetings, [(member, role)])
    (
        "Groupe exécutif de coordination des partenaires techniques et financiers",
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
    "Organiser une mission conjointe d'évaluation des besoins à Ansongo",
    "Partager les termes de référence du prochain appel à projets à impact rapide",
    "Mettre à jour la matrice des risques sécuritaires sur les axes routiers",
    "Préparer une note sur le retour des services techniques de l'État",
]
AGENDA = "1. Situation sécuritaire et accès\n2. Avancement des plans et projets\n3. Divers"
STATUS_CYCLE = [
    Decision.Status.DONE,
    Decision.Status.IN_PROGRESS,
    Decision.Status.OPEN,
    Decision.Status.DROPPED,
    Decision.Status.DONE,
]


@transaction.atomic
def seed_coordination() -> tuple[int, int]:
    """Create what is missing; returns (organisations, meetings) created."""
    hq = User.objects.get(username="hq")
    new_organisations = 0
    for name, acronym, kind, country in ORGANISATIONS:
        _organisation, created = Organisation.objects.get_or_create(
            name=name, defaults={"acronym": acronym, "kind": kind, "country": country}
        )
        new_organisations += created
    by_acronym = {o.acronym or o.name: o for o in Organisation.objects.all()}

    new_meetings = 0
    for name, acronym, kind, months, members in NATIONAL_BODIES:
        body = _body(name, acronym, kind, None, members, by_acronym, hq)
        new_meetings += _meetings(body, months, hq)
    for code, city in REGIONAL_BODIES.items():
        region = Region.objects.get(code=code)
        authority = f"Gouvernorat de la région de {city}"
        members = [(authority, R.CHAIR), *REGIONAL_MEMBERS]
        officer = User.objects.get(username=city.lower())
        body = _body(
            f"Comité régional de coordination de {city}",
            f"CRC {city}",
            B.REGIONAL_COMMITTEE,
            region,
            members,
            by_acronym,
            officer,
        )
        new_meetings += _meetings(body, 1, officer)
    return new_organisations, new_meetings


def _body(name, acronym, kind, region, members, organisations, by) -> CoordinationBody:
    body, created = CoordinationBody.objects.get_or_create(
        name=name, defaults={"acronym": acronym, "kind": kind, "region": region}
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
    created = 0
    for offset in range(-10, 3, months):
        day = _shift_months(today.replace(day=15), offset)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
        past = offset < 0
        decisions = []
        if past:
            for i in range(1 + created % 3):
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


def _shift_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)
