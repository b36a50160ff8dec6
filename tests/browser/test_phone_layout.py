"""The portal on a 360-pixel phone and a 1280-pixel laptop: a compact header,
the list filters folded behind "Filters" with the active ones as removable
chips, rows as cards on the phone, and the projects table whole on the laptop.
(The axe and overflow checks of these widths are in test_accessibility.)"""

import re
from decimal import Decimal

from playwright.sync_api import expect

from funding.models import Mechanism
from projects.models import Project
from regions.models import Region
from tests.browser import test_accessibility
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import signed_in
from tests.factories import OrganisationFactory, ProjectFactory

# The filled portal and its people, as the accessibility checks have them.
portal = test_accessibility.portal

# The top of an element, and its height, in CSS pixels from the top of the page.
BOX = "el => { const box = el.getBoundingClientRect(); return [box.top + scrollY, box.height]; }"


def test_the_header_takes_little_room_on_a_phone_and_its_menu_opens_without_javascript(
    portal, new_page, live_server
):
    page = signed_in(
        new_page, live_server, portal["users"]["gao"], viewport=PHONE, java_script_enabled=False
    )
    page.goto("/projects/")

    _top, height = page.locator("header.site-header").evaluate(BOX)
    assert height < 120, f"the header and navigation take {height} px"
    expect(page.get_by_role("link", name="Portail S&R")).to_be_visible()
    sign_out = page.get_by_role("button", name="Se déconnecter")
    expect(sign_out).to_be_hidden()
    # The navigation is one line, which scrolls: every entry is there.
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link")).to_have_count(page.locator(".site-nav li").count())

    page.locator(".site-menu > summary").click()

    expect(sign_out).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_the_laptop_header_shows_the_menu_whole(portal, new_page, live_server):
    page = signed_in(new_page, live_server, portal["users"]["gao"], viewport=DESKTOP)
    page.goto("/")

    expect(page.get_by_role("link", name="Portail Stabilisation et Relèvement")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.locator(".site-menu > summary")).to_be_hidden()


def test_the_first_project_shows_near_the_top_of_a_phone(portal, new_page, live_server):
    page = signed_in(new_page, live_server, portal["users"]["gao"], viewport=PHONE)
    page.goto("/projects/")

    top, _height = page.locator("#project-table tbody tr").first.evaluate(BOX)
    assert top < 700, f"the first project starts {top} px down the page"
    # The filters are folded; the row is a card, each value under its column's name.
    expect(page.get_by_label("Région", exact=True)).to_be_hidden()
    row = page.locator("#project-table tbody tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    label = (
        row.locator("td")
        .nth(2)
        .evaluate("td => getComputedStyle(td, '::before').content.split(' / ')[0]")
    )
    assert label == '"Région"'


def test_a_phone_reads_the_rows_of_a_table_still_as_a_table(portal, new_page, live_server):
    """Shown as cards, the table keeps its rows, cells and column headers for
    screen readers: Chromium's own accessibility tree says so."""
    page = signed_in(new_page, live_server, portal["users"]["gao"], viewport=PHONE)
    page.goto("/projects/")

    session = page.context.new_cdp_session(page)
    nodes = [
        (node.get("role", {}).get("value"), node.get("name", {}).get("value"))
        for node in session.send("Accessibility.getFullAXTree")["nodes"]
        if not node.get("ignored")
    ]
    assert ("table", "Projets de stabilisation et de relèvement") in nodes
    headers = [name for role, name in nodes if role == "columnheader"]
    assert headers[:3] == ["Code", "Titre", "Région"]
    cells = {name for role, name in nodes if role == "cell"}
    for project in Project.objects.all():
        assert {project.code, project.title} <= cells, project


def test_a_chip_shows_each_active_filter_and_removes_it(portal, new_page, live_server):
    gao = Region.objects.get(code="ML-7")
    page = signed_in(new_page, live_server, portal["users"]["gao"], viewport=PHONE)
    page.goto(f"/projects/?region={gao.pk}&status=ongoing")

    expect(page.locator(".filter-panel > summary")).to_have_text(re.compile(r"Filtres\s*2 actifs"))
    chip = page.get_by_role("link", name="Retirer le filtre Région\u00a0: Gao")
    expect(chip).to_have_text("Région\u00a0: Gao ×")
    status = page.get_by_role("link", name="Retirer le filtre Statut\u00a0: en cours")
    expect(status).to_be_visible()

    chip.click()

    expect(page).to_have_url(re.compile(r"/projects/\?status=ongoing$"))
    expect(page.locator(".chip")).to_have_count(1)
    expect(page.locator(".filter-panel > summary")).to_have_text(re.compile(r"Filtres\s*1 actif$"))


def test_the_chips_follow_the_filters_htmx_applies(portal, new_page, live_server):
    page = signed_in(new_page, live_server, portal["users"]["gao"], viewport=DESKTOP)
    page.goto("/projects/")
    expect(page.locator(".chip")).to_have_count(0)

    page.select_option("[name=status]", "ongoing")

    chip = page.locator("#project-table").get_by_role(
        "link", name="Retirer le filtre Statut\u00a0: en cours"
    )
    expect(chip).to_be_visible()
    expect(page.locator("#filter-count")).to_have_text("1 actif")
    expect(page).to_have_url(re.compile(r"[?&]status=ongoing"))


def test_the_projects_table_fits_a_laptop_with_titles_on_two_lines_at_most(
    portal, new_page, live_server
):
    mopti, pbf = Region.objects.get(code="ML-5"), Mechanism.objects.get(code="pbf")
    partner = OrganisationFactory(
        name="Association pour le développement durable du cercle d'Ansongo", acronym=""
    )
    for number, title in enumerate(
        [
            # Long titles, as the offices write them (some 70 characters).
            "Réhabilitation du forage pastoral et de l'adduction d'eau de Tassiga",
            "Dialogue intercommunautaire et gestion concertée des pâturages",
            "Retour de l'administration : réhabilitation de la sous-préfecture",
        ]
    ):
        ProjectFactory(
            code=f"PBF-2024-MOP-{number:03d}",
            title=title,
            region=mopti,
            mechanism=pbf,
            window=pbf.windows.get(code="irf"),
            implementing_partner=partner,
            budget_amount=Decimal("1250000.00"),
            budget_currency="XOF",
            status=Project.Status.ONGOING,
        )
    page = signed_in(new_page, live_server, portal["users"]["hq"], viewport=DESKTOP)
    page.goto("/projects/")

    frame = page.locator("#project-table .table-wrap")
    widths = frame.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the table is {widths[0]} px in {widths[1]}"
    # The height of each title's text, in lines.
    lines = page.locator("#project-table td.project-title").evaluate_all(
        """cells => cells.map(td => { const range = document.createRange();
             range.selectNodeContents(td);
             return Math.round(range.getBoundingClientRect().height
               / parseFloat(getComputedStyle(td).lineHeight)); })"""
    )
    assert lines and max(lines) <= 2, lines
