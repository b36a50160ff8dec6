"""The main pages, as each role sees them at a desktop width (1280 px) and on
a phone (360 px): the page never scrolls sideways; at 1280 px every table
fits its frame (on a phone a table may scroll inside its own); axe-core finds
no serious or critical violation; a heading is shown; and a menu of the
page's sections leads to each section.

Each page is loaded once per person and width, and all its checks are made
on that load; a test reports every problem of its person's pages at once.
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from accounts.roles import Role
from regions.models import Office
from tests.browser import test_accessibility
from tests.browser.conftest import WIDTHS
from tests.browser.test_accessibility import blocking_violations, signed_in
from tests.factories import UserFactory

# The records of the accessibility tests: a filled portal and its people.
portal = test_accessibility.portal


@pytest.fixture
def people(portal):
    """The people of `portal` and the two who manage the portal's users."""
    bamako = Office.objects.get(name="Bamako")
    return {
        **portal["users"],
        "user manager": UserFactory(
            username="nafissatou",
            first_name="Nafissatou",
            last_name="Coulibaly",
            role=Role.USER_MANAGER,
            office=bamako,
        ),
        "administrator": UserFactory(
            username="awa",
            first_name="Awa",
            last_name="Traoré",
            is_staff=True,
            is_superuser=True,
        ),
    }


def addresses(portal) -> dict[str, str]:
    return {
        "dashboard": "/",
        "projects": "/projects/",
        "project": portal["project"].get_absolute_url(),
        "plans": "/plans/",
        "plan": portal["plan"].get_absolute_url(),
        "region": f"/regions/{portal['region'].code}/",
        "mechanisms": "/funding/",
        "mechanism": "/funding/tf/",
        "contributions": "/funding/contributions/",
        "meetings": "/coordination/meetings/",
        "meeting": portal["meeting"].get_absolute_url(),
        "decisions": "/coordination/decisions/",
        "organisations": "/coordination/organisations/",
        "calendar": "/coordination/calendar/",
        "queue": "/reviews/",
        "profile": "/accounts/profile/",
        "people": "/accounts/people/",
        "audit": "/audit/",
        "compliance": "/compliance/",
    }


EVERYONE = [
    "dashboard",
    "projects",
    "project",
    "plans",
    "plan",
    "region",
    "mechanisms",
    "mechanism",
    "contributions",
    "meetings",
    "meeting",
    "decisions",
    "organisations",
    "calendar",
    "profile",
]
STAFF = [*EVERYONE, "queue"]
# The pages each person opens: all they can, those of their role included
# (the audit of changes is for administrators).
PAGES = {
    "hq": [*STAFF, "compliance"],
    "head": STAFF,
    "gao": STAFF,
    "fund": STAFF,
    "viewer": EVERYONE,
    "user manager": [*EVERYONE, "people"],
    "administrator": [*STAFF, "people", "audit", "compliance"],
}

# What the layout checks read from the page, in one call.
LAYOUT = """
() => {
  const hidden = (el) => {
    for (let node = el; node; node = node.parentElement) {
      if (node.classList.contains("visually-hidden")) return true;
    }
    return el.getClientRects().length === 0;
  };
  const name = (el) => [el.tagName.toLowerCase(), el.id && "#" + el.id,
    ...[...el.classList].map((c) => "." + c)].join("");
  const tables = [...document.querySelectorAll("main table")]
    .filter((table) => !hidden(table))
    .map((table) => {
      const frame = table.parentElement;
      return {
        table: name(table) + " in " + name(frame),
        caption: (table.caption?.innerText || table.querySelector("th")?.innerText || "")
          .trim().slice(0, 40),
        width: table.scrollWidth,
        frame: frame.clientWidth,
        columns: [...(table.tHead?.rows[0]?.cells || [])].map(
          (cell) => `${cell.innerText.trim().slice(0, 20)} ${Math.round(cell.offsetWidth)}`),
      };
    });
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => !hidden(el) && el.getBoundingClientRect().right > window.innerWidth + 1)
    .filter((el) => {
      for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
        if (getComputedStyle(node).overflowX !== "visible") return false;
      }
      return true;
    })
    .map((el) => [el, Math.round(el.getBoundingClientRect().right)])
    .sort((first, second) => second[1] - first[1])
    .slice(0, 3)
    .map(([el, right]) => `${name(el)} (right edge ${right})`);
  const menus = [...document.querySelectorAll("main nav")]
    .map((nav) => [...nav.querySelectorAll("a[href^='#']")].map((a) => a.getAttribute("href")))
    .filter((links) => links.length > 0);
  return {
    documentWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    wide,
    tables,
    headings: [...document.querySelectorAll("h1")].filter((h1) => !hidden(h1)).length,
    menus,
  };
}
"""

IN_VIEW = """
(id) => {
  const target = document.getElementById(id);
  if (!target) return false;
  const box = target.getBoundingClientRect();
  return box.top < window.innerHeight && box.bottom > 0;
}
"""


def problems_of(page, width: str) -> list[str]:
    """Everything wrong with the page the tab shows."""
    found = []
    layout = page.evaluate(LAYOUT)
    if layout["documentWidth"] > layout["viewport"] + 1:
        found.append(
            f"scrolls sideways: {layout['documentWidth']} px wide in {layout['viewport']} px; "
            f"beyond the edge: {', '.join(layout['wide']) or 'nothing named'}"
        )
    if width == "desktop":
        found += [
            f"table cut: {table['table']} ({table['caption']!r}) is {table['width']} px "
            f"in {table['frame']} px; columns: {', '.join(table['columns'])}"
            for table in layout["tables"]
            if table["width"] > table["frame"] + 1
        ]
    if not layout["headings"]:
        found.append("no visible h1")
    for links in layout["menus"]:
        found += _menu_problems(page, links)
    found += blocking_violations(page)
    return found


def _menu_problems(page, links: list[str]) -> list[str]:
    """Each link of a section menu leads to its section and brings it into view."""
    found = []
    for href in links:
        target = href[1:]
        if not page.evaluate("(id) => !!document.getElementById(id)", target):
            found.append(f"section menu: {href} leads nowhere")
            continue
        link = page.locator(f"main nav a[href='{href}']").first
        if not link.is_visible():
            continue  # folded away with its menu on a phone
        try:
            link.click(timeout=3_000)
            page.wait_for_function(IN_VIEW, arg=target, timeout=3_000)
        except PlaywrightTimeout:
            found.append(f"section menu: {href} does not bring its section into view")
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", PAGES)
def test_main_pages_fit_have_a_heading_no_serious_violation_and_working_section_menus(
    role, width, people, portal, new_page, live_server
):
    page = signed_in(new_page, live_server, people[role], viewport=WIDTHS[width])
    found = {}
    for name in PAGES[role]:
        address = addresses(portal)[name]
        response = page.goto(address)
        if response.status != 200:
            found[name] = [f"HTTP {response.status} at {address}"]
        elif problems := problems_of(page, width):
            found[name] = problems

    assert not found, f"as {role}, {width}:\n" + "\n".join(
        f"{name}:\n" + "\n".join(f"  {problem}" for problem in problems)
        for name, problems in found.items()
    )
