"""Accessibility of the portal's main pages, checked in the browser: axe-core
finds no serious or critical violation for any role, the keyboard reaches
every action with a visible focus, form errors are announced and tied to
their field, and no page scrolls sideways on a phone or at 200 % zoom (tables
scroll in their own frame, which the keyboard can reach)."""

import datetime
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.roles import Role
from coordination.models import CoordinationBody
from projects.models import Project
from regions.models import Cercle, Office, Region, RegionalPlan
from reviews import services as review
from tests.browser.conftest import DESKTOP, PHONE
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
    PriorityFactory,
    PriorityProgressFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
    UserFactory,
)

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}

# --- The portal's records, as an office and headquarters leave them ------------------


@pytest.fixture
def portal(db):
    """Users of every role and a filled portal: a Gao plan and its project with
    locations, indicators, reports under review and money; a Trust Fund
    contribution; a coordination body with a meeting and its decisions."""
    gao, bamako = Office.objects.get(name="Gao"), Office.objects.get(name="Bamako")
    users = {
        "hq": UserFactory(
            username="moussa",
            first_name="Moussa",
            last_name="Keïta",
            role=Role.HQ_OFFICER,
            office=bamako,
        ),
        "gao": UserFactory(
            username="ibrahim",
            first_name="Ibrahim",
            last_name="Touré",
            role=Role.REGIONAL_OFFICER,
            office=gao,
        ),
        "head": UserFactory(
            username="aminata",
            first_name="Aminata",
            last_name="Maïga",
            role=Role.HEAD_OF_OFFICE,
            office=gao,
        ),
        "fund": UserFactory(
            username="fatoumata",
            first_name="Fatoumata",
            last_name="Diallo",
            role=Role.FUND_MANAGER,
            office=bamako,
        ),
        "viewer": UserFactory(username="partenaire", role=Role.VIEWER),
    }
    officer = users["gao"]
    region = Region.objects.get(code="ML-7")

    plan = PlanFactory(region=region, status=RegionalPlan.Status.VALIDATED, created_by=officer)
    priority = PriorityFactory(plan=plan)
    PriorityFactory(plan=plan, title="Cohésion sociale et dialogue intercommunautaire")
    update = PriorityProgressFactory(update__plan=plan, update__created_by=officer).update
    review.submit(update, by=officer, notify=False)

    project = ProjectFactory(
        region=region, priority=priority, status=Project.Status.ONGOING, created_by=officer
    )
    project.cercles.set(Cercle.objects.filter(region=region)[:2])
    LocationFactory(project=project, cercle=Cercle.objects.filter(region=region).first())
    LocationFactory(project=project, place="Château d'eau de Sosso-Koira")
    indicator = IndicatorFactory(project=project)
    IndicatorReportFactory(indicator=indicator, created_by=officer)
    report = ProgressReportFactory(project=project, created_by=officer)
    review.submit(report, by=officer, notify=False)
    ProjectFactory(region=region, title="Marché à bétail de Gao", created_by=officer)

    fund = users["fund"]
    FundingApprovalFactory(project=project, amount=Decimal("40000.00"), recorded_by=fund)
    TrancheFactory(project=project, amount=Decimal("32000.00"), recorded_by=fund)
    ExpenditureFactory(project=project, amount=Decimal("12500.00"), recorded_by=fund)
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 1, 1))
    ExchangeRateFactory(currency="EUR", month=datetime.date(2024, 1, 1), units_per_usd="0.92")
    contribution = ContributionFactory(
        donor=OrganisationFactory(name="Royaume des Pays-Bas", acronym="NL"), recorded_by=fund
    )
    DepositFactory(contribution=contribution, amount=Decimal("600000.00"), recorded_by=fund)

    body = BodyFactory(region=region)
    MembershipFactory(body=body)
    BodyFactory(
        name="Groupe exécutif des bailleurs", kind=CoordinationBody.Kind.DONOR_GROUP, region=None
    )
    meeting = MeetingFactory(body=body, created_by=officer)
    DecisionFactory(meeting=meeting, project=project, owner_user=officer)
    DecisionFactory(meeting=meeting, due_date=datetime.date(2024, 1, 31))

    return {
        "users": users,
        "plan": plan,
        "project": project,
        "report": report,
        "contribution": contribution,
        "meeting": meeting,
        "region": region,
    }


def signed_in(new_page, live_server, user, **context_options):
    """A tab where `user` is signed in (none: nobody is): their session cookie,
    made without the sign-in form, which has tests of its own."""
    page = new_page(**context_options)
    if user is None:
        return page
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


# --- The main pages ----------------------------------------------------------------------


def _submit_empty_project_form(page) -> None:
    """Send the new project form empty, as a browser that does not check the
    required fields would: the portal answers with the form and its errors."""
    page.goto("/projects/new/")
    page.locator("main form.form").evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le projet").click()
    expect(page.locator('[aria-invalid="true"]').first).to_be_visible()


def main_pages(portal) -> dict:
    """Each main page: its address, or how to reach it."""
    project, plan = portal["project"], portal["plan"]
    return {
        "dashboard": "/",
        "projects": "/projects/",
        "project": f"/projects/{project.pk}/",
        "progress report": f"/projects/reports/{portal['report'].pk}/",
        "plans": "/plans/",
        "plan": f"/plans/{plan.pk}/",
        "plan report": f"/plans/{plan.pk}/report/",
        "region": f"/regions/{portal['region'].code}/",
        "region report": f"/regions/{portal['region'].code}/report/",
        "funding": "/funding/",
        "trust fund": "/funding/tf/",
        "contributions": "/funding/contributions/",
        "contribution": f"/funding/contributions/{portal['contribution'].pk}/",
        "rates": "/funding/rates/",
        "reviews": "/reviews/",
        "coordination": "/coordination/",
        "organisations": "/coordination/organisations/",
        "meeting": f"/coordination/meetings/{portal['meeting'].pk}/",
        "decisions": "/coordination/decisions/",
        "meetings": "/coordination/meetings/",
        "new project": "/projects/new/",
        "new project, errors": _submit_empty_project_form,
        "new progress report": f"/projects/{project.pk}/reports/new/",
        "new approval": f"/projects/{project.pk}/money/approvals/new/",
        "sign-in": "/accounts/login/",
    }


def open_page(page, name: str, portal) -> None:
    target = main_pages(portal)[name]
    if callable(target):
        target(page)
    else:
        response = page.goto(target)
        assert response.status == 200, f"{name}: HTTP {response.status}"


# --- axe-core ----------------------------------------------------------------------------

# The pages each person is checked on. A page whose buttons, panels or figures
# depend on the role is checked for each kind of person (headquarters, an
# office, money, reading); a page alike for everyone, once. One test per person:
# their tab goes from page to page, and the test reports every page's problems.
AXE_PAGES = {
    "hq": ["project", "progress report", "plan report", "region report", "reviews"],
    "gao": [
        "dashboard",
        "projects",
        "plan",
        "region",
        "reviews",
        "new project",
        "new project, errors",
    ],
    "head": ["coordination", "meeting", "new progress report"],
    "fund": [
        "dashboard",
        "project",
        "funding",
        "contributions",
        "contribution",
        "rates",
        "new approval",
    ],
    "viewer": [
        "dashboard",
        "project",
        "plans",
        "trust fund",
        "organisations",
        "decisions",
        "meetings",
    ],
    "anonymous": ["sign-in"],
}


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations, each with its rule, impact
    and the elements concerned."""
    results = AXE.run(page).response
    return [
        f"  {violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(
            f"    {' '.join(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}"
            for node in violation["nodes"][:6]
        )
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


# The main pages again on a phone, where the header and the filters fold and
# the tables' rows are cards.
PHONE_AXE_PAGES = {
    "gao": [
        "dashboard",
        "projects",
        "project",
        "plans",
        "meetings",
        "decisions",
        "organisations",
        "reviews",
    ],
    "fund": ["contributions"],
}


def _check_axe(page, names, portal, role):
    found = {}
    for name in names:
        open_page(page, name, portal)
        if violations := blocking_violations(page):
            found[name] = violations

    assert not found, f"as {role}:\n" + "\n".join(
        f"{name}:\n" + "\n".join(violations) for name, violations in found.items()
    )


@pytest.mark.parametrize("role", AXE_PAGES)
def test_main_pages_have_no_serious_or_critical_accessibility_violation(
    role, portal, new_page, live_server
):
    page = signed_in(new_page, live_server, portal["users"].get(role))
    _check_axe(page, AXE_PAGES[role], portal, role)


@pytest.mark.parametrize("role", PHONE_AXE_PAGES)
def test_main_pages_have_no_serious_or_critical_accessibility_violation_on_a_phone(
    role, portal, new_page, live_server
):
    page = signed_in(new_page, live_server, portal["users"][role], viewport=PHONE)
    _check_axe(page, PHONE_AXE_PAGES[role], portal, role)


# --- Keyboard ----------------------------------------------------------------------------

# The focused element, marked so that its look without focus can be read later;
# its outline and shadow; and the colours just outside it, where the outline is
# drawn, read at the middle of each side whatever the element's ancestors are.
FOCUSED = """
(index) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.dataset.focusProbe !== undefined) {
    // Tab moves within a date field's parts; back at an earlier element, the
    // page has been gone through.
    return Number(el.dataset.focusProbe) === index - 1 ? {again: true} : null;
  }
  el.dataset.focusProbe = index;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const out = (parseFloat(style.outlineOffset) || 0) + 1;
  const middle = [box.left + box.width / 2, box.top + box.height / 2];
  const sides = [
    [box.left - out, middle[1]], [box.right + out, middle[1]],
    [middle[0], box.top - out], [middle[0], box.bottom + out],
  ];
  // An outline drawn inside the element stands against the element's background.
  const behind = [];
  if (out <= 0) {
    for (let node = el; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)") { behind.push(colour); break; }
    }
  }
  for (const [x, y] of (out <= 0 ? [] : sides)) {
    if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) continue;
    for (const under of document.elementsFromPoint(x, y)) {
      if (under === el || el.contains(under)) continue;
      const colour = getComputedStyle(under).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)") { behind.push(colour); break; }
    }
  }
  return {
    index,
    element: [el.tagName.toLowerCase(), ...el.classList].join("."),
    text: (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
      .trim().slice(0, 50),
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
    outline: [style.outlineStyle, style.outlineWidth, style.outlineColor].join(" "),
    outlineWidth: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    outlineColour: style.outlineColor,
    shadow: style.boxShadow,
    behind,
  };
}
"""

UNFOCUSED = """
() => [...document.querySelectorAll("[data-focus-probe]")].map(el => {
  const style = getComputedStyle(el);
  return {
    index: Number(el.dataset.focusProbe),
    outline: [style.outlineStyle, style.outlineWidth, style.outlineColor].join(" "),
    shadow: style.boxShadow,
  };
})
"""


def _luminance(css_colour: str) -> float:
    red, green, blue = (
        int(float(part)) for part in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3]
    )

    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tab_through(page, limit: int = 120) -> list[dict]:
    """Press Tab from the top of the page until the focus leaves the page;
    what each press reached, with and without the focus."""
    reached = []
    for _press in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, len(reached))
        if focused is None:
            break
        if not focused.get("again"):
            reached.append(focused)
    page.evaluate("document.activeElement.blur()")
    unfocused = {row["index"]: row for row in page.evaluate(UNFOCUSED)}
    for row in reached:
        row["unfocused"] = unfocused[row["index"]]
    return reached


def without_focus_indicator(reached: list[dict]) -> list[str]:
    """The elements whose focus does not show: no outline or shadow of their
    own when focused, or one that does not stand out from what is behind it
    (less than 3:1)."""
    missing = []
    for row in reached:
        changed_outline = row["outline"] != row["unfocused"]["outline"] and row["outlineWidth"] >= 2
        changed_shadow = row["shadow"] != row["unfocused"]["shadow"] and row["shadow"] != "none"
        if not (changed_outline or changed_shadow):
            missing.append(
                f"{row['element']} «{row['text']}»: no outline or shadow ({row['outline']})"
            )
        elif changed_outline:
            for behind in row["behind"]:
                if contrast(row["outlineColour"], behind) < 3:
                    missing.append(
                        f"{row['element']} «{row['text']}»: outline {row['outlineColour']} "
                        f"on {behind}, {contrast(row['outlineColour'], behind):.1f}:1"
                    )
                    break
        if not row["shown"]:
            missing.append(f"{row['element']} «{row['text']}»: focused but off screen")
    return missing


def test_first_tab_reaches_the_skip_link_which_shows_and_leads_to_the_content(
    portal, new_page, live_server
):
    page = signed_in(new_page, live_server, portal["users"]["gao"])
    page.goto("/projects/")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    box = skip_link.bounding_box()
    assert box["y"] + box["height"] <= 0, "the skip link shows before the keyboard reaches it"

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0, "the focused skip link stays off screen"
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Nouveau projet")).to_be_focused()


KEYBOARD_PAGES = [
    # page, role, the main actions the keyboard must reach (role, accessible name)
    ("projects", "gao", [("link", "Nouveau projet"), ("button", "Filtrer")]),
    ("project", "fund", [("link", "Enregistrer une approbation du financement")]),
    ("new project", "gao", [("button", "Créer le projet")]),
]


@pytest.mark.parametrize(
    ("name", "role", "actions"), KEYBOARD_PAGES, ids=[name for name, *_ in KEYBOARD_PAGES]
)
def test_keyboard_reaches_every_action_and_its_focus_shows(
    name, role, actions, portal, new_page, live_server
):
    page = signed_in(new_page, live_server, portal["users"][role])
    open_page(page, name, portal)

    reached = tab_through(page)

    assert reached, "Tab reaches nothing"
    assert reached[0]["text"] == "Aller au contenu"
    problems = without_focus_indicator(reached)
    assert not problems, f"{name}: focus not visible on\n" + "\n".join(problems)
    texts = {row["text"] for row in reached}
    for kind, action in actions:
        expect(page.get_by_role(kind, name=action)).to_be_visible()
        assert action in texts, f"{name}: Tab never reaches the {kind} «{action}»"


# --- Forms -------------------------------------------------------------------------------

# The controls a person fills in that have no name: no label with text (each
# choice of a group has its own), no aria-label, no aria-labelledby.
UNLABELLED = """
() => [...document.querySelectorAll("main input, main select, main textarea")]
  .filter(el => el.type !== "hidden" && el.type !== "submit" && el.type !== "button")
  .filter(el => !(el.labels.length && [...el.labels].some(label => label.innerText.trim()))
    && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
  .map(el => el.name || el.id)
"""

# Each field marked invalid, with the text of what its aria-describedby points to.
INVALID_FIELDS = """
() => [...document.querySelectorAll('[aria-invalid="true"]')].map(el => ({
  name: el.name,
  id: el.id,
  describedBy: (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)
    .map(id => { const target = document.getElementById(id);
      return {id, text: target ? target.innerText.trim() : null}; }),
}))
"""


def test_every_field_of_the_new_project_form_has_a_label(portal, new_page, live_server):
    page = signed_in(new_page, live_server, portal["users"]["gao"])
    page.goto("/projects/new/")

    assert page.locator("main select, main input:not([type=hidden]), main textarea").count() > 10
    assert page.evaluate(UNLABELLED) == []
    expect(page.get_by_label("Titre")).to_be_editable()


def test_form_errors_are_announced_and_tied_to_their_fields(portal, new_page, live_server):
    page = signed_in(new_page, live_server, portal["users"]["gao"])

    _submit_empty_project_form(page)

    with translation.override("fr"):
        error, has_errors = gettext("Error:"), gettext("The form has errors")
    expect(page).to_have_title(re.compile("^" + re.escape(error)))
    summary = page.get_by_role("alert", name=has_errors)
    expect(summary).to_be_visible()
    invalid = page.evaluate(INVALID_FIELDS)
    assert {"title", "region", "mechanism", "budget_amount"} <= {field["name"] for field in invalid}
    for field in invalid:
        errors = [target for target in field["describedBy"] if target["id"].endswith("_error")]
        assert errors, f"{field['name']}: its error is not tied to it by aria-describedby"
        assert errors[0]["text"] == "Ce champ est obligatoire.", field
        # The summary links to the field: following the link puts the keyboard there.
        expect(summary.locator(f'a[href="#{field["id"]}"]')).to_have_count(1)
    summary.get_by_role("link", name="Titre").click()
    expect(page.get_by_label("Titre")).to_be_focused()


# --- Small screens and zoom --------------------------------------------------------------

# The page's width against the window's; the elements that stick out (not
# counting what scrolls inside a table's own frame); and the frames that scroll
# sideways but that the keyboard cannot reach, to scroll them with the arrows
# (neither focusable themselves nor holding anything focusable).
LAYOUT = """
() => {
  const width = window.innerWidth;
  const describe = el => [el.tagName.toLowerCase(), ...el.classList].join(".")
    + " (" + Math.round(el.getBoundingClientRect().right) + " px)";
  const all = [...document.querySelectorAll("body *")];
  const focusable = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";
  return {
    page: document.documentElement.scrollWidth,
    window: width,
    sticking: all
      .filter(el => el.getBoundingClientRect().right > width + 1 && !el.closest(".table-wrap"))
      .slice(0, 5).map(describe),
    unreachable: all
      .filter(el => /auto|scroll/.test(getComputedStyle(el).overflowX)
        && el.scrollWidth > el.clientWidth && el.tabIndex < 0 && !el.querySelector(focusable))
      .map(describe),
  };
}
"""

# A phone, then a 1280-pixel window zoomed to 200 %: 640 CSS pixels wide (the
# layout depends on CSS pixels only, so the same tab is simply narrowed), then
# that window unzoomed.
SCREENS = {"phone": PHONE, "zoom 200%": {"width": 640, "height": 450}, "laptop": DESKTOP}


def test_main_pages_fit_a_phone_200_percent_zoom_and_a_laptop_and_tables_scroll_by_keyboard(
    portal, new_page, live_server
):
    problems, seen = [], set()
    for role, names in AXE_PAGES.items():
        page = signed_in(new_page, live_server, portal["users"].get(role), viewport=PHONE)
        for name in names:
            if name in seen:
                continue
            seen.add(name)
            page.set_viewport_size(PHONE)
            open_page(page, name, portal)
            for screen, size in SCREENS.items():
                page.set_viewport_size(size)
                layout = page.evaluate(LAYOUT)
                if layout["page"] > layout["window"]:
                    problems.append(
                        f"{name} ({screen}): {layout['page']} px in {layout['window']}: "
                        f"{layout['sticking']}"
                    )
                for frame in layout["unreachable"]:
                    problems.append(f"{name} ({screen}): no keyboard access to scroll {frame}")

    assert not problems, "\n".join(problems)
