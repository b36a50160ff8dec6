"""A project's page on a 360-pixel phone and a 1280-pixel laptop: the summary
and the section menu fit the screen, and each entry of the menu brings its
section into view."""

import pytest
from playwright.sync_api import expect

from tests.browser import test_accessibility
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_accessibility import signed_in

# The filled portal and its people, as the accessibility checks have them.
portal = test_accessibility.portal

FITS = "el => el.scrollWidth <= el.clientWidth + 1"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])
def test_the_section_menu_fits_and_leads_to_each_section(portal, new_page, live_server, viewport):
    page = signed_in(new_page, live_server, portal["users"]["gao"], viewport=viewport)
    page.goto(f"/projects/{portal['project'].pk}/")

    screenshot(page, f"project-page-{viewport['width']}")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    summary = page.locator(".project-summary")
    expect(summary).to_be_visible()
    assert summary.evaluate(FITS)
    menu = page.locator("nav.section-menu")
    assert menu.evaluate(FITS)
    links = menu.get_by_role("link")
    targets = [href.lstrip("#") for href in links.evaluate_all("els => els.map(a => a.hash)")]
    assert {"locations", "results", "reports", "money", "documents", "history"} <= set(targets)
    for index, target in enumerate(targets):
        menu.get_by_role("link").nth(index).click()
        expect(page.locator(f"#{target}")).to_be_in_viewport()
        page.evaluate("scrollTo(0, 0)")
