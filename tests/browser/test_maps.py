"""The maps in the browser: axe-core finds no serious or critical violation
on the pages with a map, on a desktop and on a 360-pixel phone; the keyboard
reaches a region's link, which opens its page; the map fits the phone's width."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.roles import Role
from funding.models import Mechanism
from projects.models import Location, Project
from regions.models import Cercle, Region
from tests.browser.conftest import PHONE, sign_in
from tests.factories import (
    FundingApprovalFactory,
    LocationFactory,
    PlanFactory,
    PriorityFactory,
    ProjectFactory,
    UserFactory,
)

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def mapped(db):
    gao = Region.objects.get(code="ML-7")
    plan = PlanFactory(region=gao)
    priority = PriorityFactory(plan=plan)
    qip = Mechanism.objects.get(code="qip")
    for index, status in enumerate((Project.Status.ONGOING, Project.Status.APPROVED)):
        project = ProjectFactory(
            code=f"QIP-2025-GAO-{index + 50:03d}", status=status, priority=priority, mechanism=qip
        )
        FundingApprovalFactory(project=project, amount=Decimal("20000"))
        LocationFactory(project=project)
        LocationFactory(
            project=project,
            cercle=Cercle.objects.get(region=gao, name="Ansongo"),
            sensitivity=Location.Sensitivity.SENSITIVE,
        )
    return {
        "plan": plan,
        "viewer": UserFactory(username="partenaire", role=Role.VIEWER),
        "hq": UserFactory(username="moussa", role=Role.HQ_OFFICER),
    }


def _blocking(page) -> list[str]:
    results = AXE.run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def _pages(plan, role: str) -> list[str]:
    # A draft plan's report is for staff only.
    report = [f"/plans/{plan.pk}/report/"] if role == "hq" else []
    return [
        *report,
        "/",
        "/?map=approved&points=mechanism",
        "/regions/ML-7/",
        "/regions/ML-7/report/",
        "/regions/ML-9/",
        "/funding/qip/",
        "/projects/",
    ]


@pytest.mark.parametrize("role", ["viewer", "hq"])
def test_pages_with_a_map_pass_axe(page, mapped, role):
    sign_in(page, mapped[role].username)
    found = {}
    for url in _pages(mapped["plan"], role):
        page.goto(url)
        assert page.locator(".map__svg").count() >= 1, url
        if violations := _blocking(page):
            found[url] = violations

    assert not found, found


def test_maps_read_on_a_phone_and_a_region_opens_from_the_keyboard(new_page, mapped):
    page = new_page(viewport=PHONE)
    sign_in(page, mapped["viewer"].username)

    page.goto("/")
    svg = page.locator(".map__svg").first
    box = svg.bounding_box()
    assert box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not _blocking(page)

    gao = page.locator('.map__svg a[href="/regions/ML-7/"]').first
    gao.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/regions/ML-7/")
