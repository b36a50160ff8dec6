"""Screenshots of the main pages at desktop and phone widths, kept as test
artifacts for people to look at, with enough records for the pages to look
as they do in use. Each page must load without a console error (a content
security policy violation is one), a failed request or an HTTP error."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from coordination.models import CoordinationBody
from funding.models import Mechanism
from projects import services
from projects.models import Project
from regions.models import Cercle, Pillar, Region, RegionalPlan
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_journeys import signed_in
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    DecisionFactory,
    DepositFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    IndicatorFactory,
    MeetingFactory,
    OrganisationFactory,
    PlanFactory,
    PriorityFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
)


@pytest.fixture
def filled_portal(gao_officer_browser, hq_officer_browser, fund_manager_browser):
    """A validated Gao plan with its priorities, projects of the three
    mechanisms with their money, a Trust Fund contribution and a meeting."""
    gao, mopti = Region.objects.get(code="ML-7"), Region.objects.get(code="ML-5")
    officer, fund = gao_officer_browser, fund_manager_browser
    plan = PlanFactory(
        title="Plan régional de stabilisation de Gao 2024–2025",
        status=RegionalPlan.Status.VALIDATED,
        created_by=officer,
    )
    water = PriorityFactory(plan=plan, code="AXE-1", title="Accès à l'eau potable")
    PriorityFactory(
        plan=plan, code="AXE-2", title="Cohésion sociale", pillar=Pillar.SOCIAL_COHESION
    )
    PriorityFactory(
        plan=plan, code="AXE-3", title="Retour de l'administration", pillar=Pillar.STATE_AUTHORITY
    )

    qip = ProjectFactory(
        code="QIP-2024-GAO-001",
        title="Forage pastoral de Tassiga",
        priority=water,
        created_by=officer,
    )
    with transaction.atomic():  # the status steps, recorded on the project's timeline
        for step, by in [("submit", officer), ("approve", hq_officer_browser)]:
            qip = services.move(qip, by=by, step=step)
        # A project starts once its funding is approved (on 15 February), on
        # the day it actually started.
        FundingApprovalFactory(project=qip, amount=Decimal("40000.00"), recorded_by=fund)
        qip = services.move(qip, by=officer, step="start", day=datetime.date(2024, 2, 20))
    qip.cercles.set(Cercle.objects.filter(region=gao, name="Ansongo"))
    IndicatorFactory(project=qip)
    ProgressReportFactory(project=qip, created_by=officer)
    signature = qip.mechanism.tranche_steps.get(sequence=1)  # 80 % at signature
    TrancheFactory(project=qip, step=signature, amount=Decimal("32000.00"), recorded_by=fund)
    ExpenditureFactory(project=qip, amount=Decimal("18250.00"), recorded_by=fund)

    trust_fund = Mechanism.objects.get(code="tf")
    contribution = ContributionFactory(
        donor=OrganisationFactory(name="Royaume des Pays-Bas", acronym="NL"), recorded_by=fund
    )
    DepositFactory(contribution=contribution, amount=Decimal("600000.00"), recorded_by=fund)
    for code, title, region, amount in [
        ("TF-2024-GAO-001", "Centre de santé de Bourem", gao, Decimal("180000.00")),
        ("TF-2024-MOP-001", "Digue de protection de Sévaré", mopti, Decimal("240000.00")),
    ]:
        project = ProjectFactory(
            code=code,
            title=title,
            region=region,
            mechanism=trust_fund,
            budget_amount=amount,
            planned_end=datetime.date(2025, 1, 31),
            status=Project.Status.APPROVED,
        )
        FundingApprovalFactory(
            project=project, contribution=contribution, amount=amount, recorded_by=fund
        )
        TrancheFactory(project=project, amount=amount / 2, recorded_by=fund)
    pbf = Mechanism.objects.get(code="pbf")
    dialogue = ProjectFactory(
        code="PBF-2024-MOP-001",
        title="Dialogue intercommunautaire du centre",
        region=mopti,
        mechanism=pbf,
        window=pbf.windows.get(code="irf"),
        budget_amount=Decimal("150000.00"),
        planned_end=datetime.date(2025, 6, 30),
        status=Project.Status.ONGOING,
    )
    FundingApprovalFactory(project=dialogue, amount=Decimal("150000.00"), recorded_by=fund)
    TrancheFactory(project=dialogue, amount=Decimal("90000.00"), recorded_by=fund)
    ExpenditureFactory(project=dialogue, amount=Decimal("41000.00"), recorded_by=fund)
    ProjectFactory(
        code="QIP-2024-MEN-001",
        title="Marché à bétail de Ménaka",
        region=Region.objects.get(code="ML-9"),
    )

    body = BodyFactory(name="Comité régional d'orientation de Gao", region=gao)
    BodyFactory(
        name="Groupe exécutif des bailleurs", kind=CoordinationBody.Kind.DONOR_GROUP, region=None
    )
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    meeting = MeetingFactory(
        body=body,
        starts_at=timezone.make_aware(datetime.datetime.combine(next_week, datetime.time(9, 30))),
        created_by=officer,
    )
    DecisionFactory(meeting=meeting, project=qip, owner_user=officer)
    DecisionFactory(meeting=meeting, due_date=datetime.date(2024, 1, 31))
    return {"plan": plan, "project": qip}


class PageProblems:
    """Console errors, uncaught exceptions, failed requests and HTTP errors
    of every page the tab opens."""

    def __init__(self, page):
        self.seen: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.seen.append(f"exception: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request):
        # Going to the next page cancels what the last one still loaded (its
        # icon, say): that is the test moving on, not the page failing. A
        # request the browser refuses (content security policy) fails otherwise.
        if request.failure == "net::ERR_ABORTED" and request.resource_type != "document":
            return
        self.seen.append(f"failed: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type == "error":
            self.seen.append(f"console: {message.text}")

    def _response(self, response):
        if response.status >= 400:
            self.seen.append(f"HTTP {response.status}: {response.url}")


@pytest.mark.parametrize(("width", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_main_pages_load_cleanly_and_are_captured(new_page, filled_portal, width, viewport):
    page = new_page(viewport=viewport)
    problems = PageProblems(page)
    signed_in(page, "moussa")
    pages = {
        "dashboard": "/",
        "projects": "/projects/",
        "project": filled_portal["project"].get_absolute_url(),
        "plan": filled_portal["plan"].get_absolute_url(),
        "trust-fund": "/funding/tf/",
        "coordination": "/coordination/",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.ok, f"{name}: HTTP {response.status}"
        path = screenshot(page, f"{name}-{width}")
        assert path.exists() and path.stat().st_size > 0, path
    assert problems.seen == []
