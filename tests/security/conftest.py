"""One portal built once per test module for the security tests: a user of
every role with a signed-in session, and for each of two regions (Gao, which
the Gao office covers, and Mopti, which it does not) every kind of record a
URL can name, each with its files.

The records are made inside a transaction that is rolled back when the
module ends, so that the other test modules never see them; each request of
a test runs in a savepoint of its own (`Portal.request`), so that a POST that
succeeds changes nothing for the next one."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings

from accounts.roles import Role
from coordination.models import MeetingDocument
from core.files import attach_file
from funding.models import Mechanism
from portfolio.models import ReminderSent
from projects.models import (
    IndicatorEvidence,
    Location,
    ProgressReportAttachment,
    ProjectDocument,
)
from regions.models import (
    Office,
    PlanDocument,
    PlanUpdateAttachment,
    Region,
    RegionalPlan,
)
from reviews import services as review_services
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    DecisionFactory,
    DepositFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    IndicatorFactory,
    IndicatorReportFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanUpdateFactory,
    PriorityFactory,
    PriorityProgressFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
    UserFactory,
)
from tests.factories_results import (
    IndicatorTargetFactory,
    OutcomeIndicatorFactory,
    OutcomeTargetFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# Who signs in, and as what. "anonymous" has no user.
ROLES = (
    "anonymous",
    "viewer",
    "gao_officer",
    "mopti_officer",
    "tombouctou_head",
    "hq_officer",
    "fund_manager",
    "administrator",
    "no_role",
    "user_manager",
)
USERS = {
    "viewer": {"role": Role.VIEWER},
    "gao_officer": {"role": Role.REGIONAL_OFFICER, "office": "Gao"},
    "mopti_officer": {"role": Role.REGIONAL_OFFICER, "office": "Mopti"},
    "tombouctou_head": {"role": Role.HEAD_OF_OFFICE, "office": "Tombouctou"},
    "hq_officer": {"role": Role.HQ_OFFICER, "office": "Bamako"},
    "fund_manager": {"role": Role.FUND_MANAGER, "office": "Bamako"},
    "administrator": {"is_staff": True, "is_superuser": True},
    "no_role": {},
    "user_manager": {"role": Role.USER_MANAGER, "office": "Bamako"},
}

# The two regions every record is made in: Gao's office covers ML-7, not ML-5.
REGIONS = {"gao": "ML-7", "mopti": "ML-5"}

# A sensitive location's exact coordinates (inside Mali, and found nowhere
# else in the portal), which only the mission's staff may see, in any format
# a page or a file may write them.
SECRET_LATITUDE = Decimal("15.43217")
SECRET_LONGITUDE = Decimal("-1.87653")
SECRET_MARKS = ("15.43217", "15,43217", "-1.87653", "-1,87653")
# A location that is not sensitive: its coordinates are public.
PUBLIC_LATITUDE = Decimal("16.26540")


# The CSRF secret of every client's cookie, which a form would send back.
CSRF_SECRET = "securitymatrixcsrfsecret00000000"


@dataclass
class Portal:
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    # (kind, variant) → record, e.g. ("project", "gao"); variant "" for the
    # records that belong to no region.
    records: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.records[key]

    def client(self, role: str) -> Client:
        """A new client, signed in as `role` (with the session made once),
        that checks CSRF as a browser's requests are checked, holding the
        cookie of a CSRF secret (`CSRF_SECRET`, sent back by `request`)."""
        client = Client(enforce_csrf_checks=True)
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def request(self, role: str, method: str, url: str, data=None, *, csrf: bool = True):
        """`role`'s request, with a valid CSRF token unless `csrf` is false,
        whose writes are rolled back once answered.

        The response's content is read inside the savepoint: a streamed
        export runs its queries while it is read."""
        client = self.client(role)
        headers = {"X-CSRFToken": CSRF_SECRET} if csrf else {}
        with transaction.atomic():
            response = getattr(client, method.lower())(url, data or {}, headers=headers)
            response.body = b"".join(response) if response.streaming else response.content
            transaction.set_rollback(True)
        return response


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _attach(model, by, name: str, **link):
    return attach_file(model, by=by, upload=_pdf(name), title=name, **link)


def _users(portal: Portal) -> None:
    offices = {office.name: office for office in Office.objects.all()}
    for role, spec in USERS.items():
        spec = dict(spec)
        office = offices.get(spec.pop("office", None))
        user = UserFactory(username=f"security_{role}", office=office, **spec)
        portal.users[role] = user
        client = Client()
        client.force_login(user)
        portal.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    head = portal.users["tombouctou_head"]
    Office.objects.filter(pk=head.office_id).update(head=head)


def _region_records(portal: Portal, variant: str, region: Region) -> None:
    records = portal.records
    officer = portal.users["gao_officer" if variant == "gao" else "mopti_officer"]

    plan = PlanFactory(region=region, created_by=officer)
    records["plan", variant] = plan
    records["priority", variant] = PriorityFactory(plan=plan)
    outcome = OutcomeIndicatorFactory(priority=records["priority", variant])
    records["outcome", variant] = outcome
    records["outcome_target", variant] = OutcomeTargetFactory(indicator=outcome)
    records["plan_document", variant] = _attach(PlanDocument, officer, "plan.pdf", plan=plan)

    validated = PlanFactory(
        region=region,
        created_by=officer,
        status=RegionalPlan.Status.VALIDATED,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    records["validated_plan", variant] = validated
    update = PlanUpdateFactory(plan=validated, created_by=officer)
    PriorityProgressFactory(update=update, priority=PriorityFactory(plan=validated))
    records["update", variant] = update
    records["update_attachment", variant] = _attach(
        PlanUpdateAttachment, officer, "update.pdf", update=update
    )

    # Approved, so published: partners read it, with its sensitive place masked.
    project = ProjectFactory(
        region=region, created_by=officer, focal_point=officer, status="approved"
    )
    records["project", variant] = project
    records["project_document", variant] = _attach(
        ProjectDocument, officer, "project.pdf", project=project
    )
    records["location", variant] = LocationFactory(
        project=project,
        place="Site protégé",
        latitude=SECRET_LATITUDE,
        longitude=SECRET_LONGITUDE,
        sensitivity=Location.Sensitivity.SENSITIVE,
    )
    LocationFactory(project=project, place="Marché", latitude=PUBLIC_LATITUDE)
    indicator = IndicatorFactory(project=project)
    records["indicator", variant] = indicator
    records["indicator_target", variant] = IndicatorTargetFactory(indicator=indicator)
    indicator_report = IndicatorReportFactory(indicator=indicator, created_by=officer)
    records["indicator_report", variant] = indicator_report
    records["evidence", variant] = _attach(
        IndicatorEvidence, officer, "evidence.pdf", report=indicator_report
    )
    progress_report = ProgressReportFactory(project=project, created_by=officer)
    records["progress_report", variant] = progress_report
    records["report_attachment", variant] = _attach(
        ProgressReportAttachment, officer, "report.pdf", report=progress_report
    )

    _coordination(portal, variant, region, officer)


def _coordination(portal: Portal, variant: str, region: Region | None, officer) -> None:
    records = portal.records
    body = BodyFactory(region=region)
    records["body", variant] = body
    records["membership", variant] = MembershipFactory(body=body)
    meeting = MeetingFactory(body=body, created_by=officer)
    records["meeting", variant] = meeting
    records["decision", variant] = DecisionFactory(meeting=meeting)
    records["meeting_document", variant] = _attach(
        MeetingDocument, officer, "minutes.pdf", meeting=meeting
    )


def _money(portal: Portal) -> None:
    records = portal.records
    fund_manager = portal.users["fund_manager"]
    contribution = ContributionFactory(recorded_by=fund_manager)
    records["contribution", ""] = contribution
    records["donor", ""] = contribution.donor
    records["deposit", ""] = DepositFactory(contribution=contribution, recorded_by=fund_manager)
    records["rate", ""] = ExchangeRateFactory()
    records["mechanism", ""] = Mechanism.objects.get(code="qip")
    project = records["project", "gao"]
    FundingApprovalFactory(project=project, recorded_by=fund_manager)
    TrancheFactory(project=project, recorded_by=fund_manager)
    ExpenditureFactory(project=project, recorded_by=fund_manager)


def _admin_only(portal: Portal) -> None:
    """Records that only Django admin shows: a review event, sign-in logs, a
    reminder sent."""
    officer, hq = portal.users["gao_officer"], portal.users["hq_officer"]
    submitted = PriorityProgressFactory(
        update__plan=portal["validated_plan", "gao"], update__created_by=officer
    ).update
    review_services.submit(submitted, by=officer, notify=False)
    review_services.approve(submitted, by=hq, comment="", notify=False)
    access = {
        "user_agent": "test",
        "ip_address": "127.0.0.1",
        "username": "someone",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    ReminderSent.objects.create(recipient=officer, key="digest", occasion="digest-2027-W17")


def _people(portal: Portal) -> None:
    """The accounts people management shows: a colleague any manager may
    change, another administrator and the user manager (whom only
    administrators change)."""
    bamako = Office.objects.get(name="Bamako")
    records = portal.records
    records["person", "colleague"] = UserFactory(
        username="security_colleague", role=Role.HQ_OFFICER, office=bamako
    )
    records["person", "administrator"] = UserFactory(
        username="security_other_administrator", is_staff=True, is_superuser=True
    )
    records["person", "user_manager"] = portal.users["user_manager"]


def build_portal() -> Portal:
    portal = Portal()
    _users(portal)
    for variant, code in REGIONS.items():
        region = Region.objects.get(code=code)
        portal.records["region", variant] = region
        _region_records(portal, variant, region)
    # A national body (no region: headquarters manages it) and one of
    # Tombouctou, so that its head of office has bodies to record meetings of.
    _coordination(portal, "national", None, portal.users["hq_officer"])
    BodyFactory(region=Region.objects.get(code="ML-6"))
    portal.records["organisation", ""] = OrganisationFactory()
    _money(portal)
    _admin_only(portal)
    portal.records["group", ""] = Group.objects.get(name=Role.VIEWER.value)
    _people(portal)
    return portal


@pytest.fixture(scope="module")
def portal(django_db_setup, django_db_blocker, tmp_path_factory):
    """The module's portal, rolled back when the module ends.

    With a figures cache as with Redis, shared by the module's requests: a
    page or section kept for one role is there when the next role asks
    (`core.render_cache`), so that every answer is checked with the cache
    warm, as in production."""
    media = tmp_path_factory.mktemp("media")
    figures = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"security-figures-{uuid.uuid4().hex}",
    }
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, CACHES={**settings.CACHES, "figures": figures}),
        transaction.atomic(),
    ):
        yield build_portal()
        transaction.set_rollback(True)
