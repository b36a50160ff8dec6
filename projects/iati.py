"""The projects as open data: an IATI 2.03 `iati-activities` document, one
activity per project, with its money as transactions.

Mapping (IATI codelists):
- identifier: `IATI_ORGANISATION_ID` (a setting: the section's registered
  organisation identifier) + "-" + the project code;
- activity status: pipeline, submitted, approved → 1 (pipeline/identification),
  ongoing → 2 (implementation), completed → 3 (finalisation), closed → 4,
  cancelled → 5;
- dates: planned and actual start and end (types 1 to 4);
- sector (DAC 5 digits, vocabulary 1), from the pillar of the project's plan
  priority: see SECTORS;
- policy marker 1 (gender equality), significance = the gender marker (0, 1, 2);
- budgets: original (type 1), indicative (status 1), one per calendar year of
  the planned dates, pro rata to the days (`budget_periods`);
- transactions: approvals are commitments (2), tranches disbursements (3),
  expenditure is expenditure (4), each with its currency and value date;
- locations: only those that are not sensitive, never a sensitive one, not
  even its name: a published file cannot be taken back.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

# Only writes XML, never parses what others send (nothing for defusedxml to do).
from xml.etree import ElementTree as ET  # nosec B405

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from core.periods import Frequency, periods
from core.text import clean_text
from projects.models import Location, Project
from regions.models import Pillar

IATI_VERSION = "2.03"
CHUNK_SIZE = 500
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
CENT = Decimal("0.01")

STATUS = {
    Project.Status.PIPELINE: "1",
    Project.Status.SUBMITTED: "1",
    Project.Status.APPROVED: "1",
    Project.Status.ONGOING: "2",
    Project.Status.COMPLETED: "3",
    Project.Status.CLOSED: "4",
    Project.Status.CANCELLED: "5",
}

# DAC 5-digit purpose codes by pillar; civilian peace-building (15220) where
# a project has no priority.
SECTORS = {
    Pillar.SECURITY: "15210",  # security system management and reform
    Pillar.SOCIAL_COHESION: "15220",  # civilian peace-building, conflict prevention
    Pillar.PRODUCTIVE: "43040",  # rural development
    Pillar.BASIC_SERVICES: "16050",  # multisector aid for basic social services
    Pillar.STATE_AUTHORITY: "15110",  # public sector policy and administrative management
    Pillar.DIALOGUE: "15150",  # democratic participation and civil society
}
DEFAULT_SECTOR = "15220"

# IATI organisation types by kind of organisation.
ORGANISATION_TYPES = {
    "bilateral": "10",
    "government": "10",
    "local_authority": "15",
    "ingo": "21",
    "ngo": "22",
    "multilateral": "40",
    "un_agency": "40",
    "private": "70",
}

TRANSACTIONS = [  # (related name, transaction type, date field)
    ("funding_approvals", "2", "approved_on"),
    ("tranches", "3", "paid_on"),
    ("expenditures", "4", "spent_on"),
]


def published_projects(projects: QuerySet) -> QuerySet:
    return projects.select_related(
        "priority", "implementing_partner", "mechanism"
    ).prefetch_related(
        Prefetch(
            "locations",
            queryset=Location.objects.exclude(sensitivity=Location.Sensitivity.SENSITIVE),
            to_attr="public_locations",
        ),
        "funding_approvals__contribution__donor",
        "tranches",
        "expenditures",
    )


def budget_periods(
    total: Decimal, start: datetime.date | None, end: datetime.date | None
) -> list[tuple[datetime.date, datetime.date, Decimal]]:
    """The budget of a project running from `start` to `end` as one period
    per calendar year (Mali's financial year), cut to the project's dates:
    (first day, last day, amount). Each year's amount is its share of the
    days, to the cent; the last takes what remains, so the amounts add up to
    `total` exactly. IATI 2.03 allows no budget period longer than a year."""
    if start is None or end is None or end < start:
        return []
    years = periods(Frequency.ANNUAL, start, end, due_days=0)
    days = (end - start).days + 1
    found = []
    given = Decimal(0)
    for period in years[:-1]:
        share = total * ((period.end - period.start).days + 1) / days
        amount = share.quantize(CENT, rounding=ROUND_HALF_UP)
        found.append((period.start, period.end, amount))
        given += amount
    last = years[-1]
    found.append((last.start, last.end, total - given))
    return found


def _text(parent, tag: str, text: str, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    # XML forbids control characters: older rows may still hold them.
    ET.SubElement(element, "narrative").text = clean_text(text)
    return element


def _value(parent, tag: str, amount, currency: str, day: datetime.date) -> None:
    ET.SubElement(parent, tag, {"currency": currency, "value-date": day.isoformat()}).text = format(
        amount, "f"
    )


def activity(project: Project, *, organisation_id: str, organisation_name: str) -> ET.Element:
    """One project as an `iati-activity` element (elements in the schema's order)."""
    element = ET.Element(
        "iati-activity",
        {
            "last-updated-datetime": project.updated_at.replace(microsecond=0).isoformat(),
            "{http://www.w3.org/XML/1998/namespace}lang": "fr",
            "default-currency": project.budget_currency,
        },
    )
    ET.SubElement(element, "iati-identifier").text = f"{organisation_id}-{project.code}"
    _text(element, "reporting-org", organisation_name, ref=organisation_id, type="40")
    _text(element, "title", project.title)
    # The schema requires a description: the title stands in for a missing summary.
    _text(element, "description", project.summary or project.title, type="1")
    funders = {
        approval.contribution.donor
        for approval in project.funding_approvals.all()
        if approval.contribution_id
    }
    for funder in sorted(funders, key=lambda organisation: organisation.name):
        _text(
            element,
            "participating-org",
            funder.name,
            role="1",
            type=ORGANISATION_TYPES.get(funder.kind, "90"),
        )
    # The section is accountable for every activity it reports.
    _text(element, "participating-org", organisation_name, ref=organisation_id, role="2", type="40")
    partner = project.implementing_partner
    if partner is not None:
        _text(
            element,
            "participating-org",
            partner.name,
            role="4",
            type=ORGANISATION_TYPES.get(partner.kind, "90"),
        )
    ET.SubElement(element, "activity-status", code=STATUS[project.status])
    for code, day in (
        ("1", project.planned_start),
        ("2", project.actual_start),
        ("3", project.planned_end),
        ("4", project.actual_end),
    ):
        if day:
            ET.SubElement(element, "activity-date", {"type": code, "iso-date": day.isoformat()})
    ET.SubElement(element, "recipient-country", code="ML", percentage="100")
    for place in project.public_locations:
        location = ET.SubElement(element, "location")
        _text(location, "name", place.place)
        if place.latitude is not None and place.longitude is not None:
            point = ET.SubElement(location, "point", srsName=WGS84)
            ET.SubElement(point, "pos").text = f"{place.latitude} {place.longitude}"
    pillar = project.priority.pillar if project.priority else None
    ET.SubElement(
        element,
        "sector",
        vocabulary="1",
        code=SECTORS.get(pillar, DEFAULT_SECTOR),
        percentage="100",
    )
    ET.SubElement(
        element, "policy-marker", vocabulary="1", code="1", significance=str(project.gender_marker)
    )
    for start, end, amount in budget_periods(
        project.budget_amount, project.planned_start, project.planned_end
    ):
        budget = ET.SubElement(element, "budget", type="1", status="1")
        ET.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
        _value(budget, "value", amount, project.budget_currency, start)
    for related, kind, date_field in TRANSACTIONS:
        for record in getattr(project, related).all():
            day = getattr(record, date_field)
            transaction = ET.SubElement(element, "transaction")
            ET.SubElement(transaction, "transaction-type", code=kind)
            ET.SubElement(transaction, "transaction-date", {"iso-date": day.isoformat()})
            _value(transaction, "value", record.amount, record.currency, day)
    return element


def _document(projects: QuerySet):
    organisation_id = settings.IATI_ORGANISATION_ID
    organisation_name = settings.IATI_ORGANISATION_NAME
    generated = timezone.now().replace(microsecond=0).isoformat()
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<iati-activities version="{IATI_VERSION}" generated-datetime="{generated}">\n'
    for project in published_projects(projects).iterator(chunk_size=CHUNK_SIZE):
        element = activity(
            project, organisation_id=organisation_id, organisation_name=organisation_name
        )
        yield ET.tostring(element, encoding="unicode") + "\n"
    yield "</iati-activities>\n"


def iati_document(projects: QuerySet) -> bytes:
    """The projects as a whole IATI 2.03 activity file, to be kept in a cache."""
    return "".join(_document(projects)).encode()


def iati_response(projects: QuerySet) -> StreamingHttpResponse:
    """The projects as an IATI 2.03 activity file, streamed as they are read."""
    response = StreamingHttpResponse(_document(projects), content_type="application/xml")
    name = f"iati-activities-{timezone.localdate():%Y-%m-%d}.xml"
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response
