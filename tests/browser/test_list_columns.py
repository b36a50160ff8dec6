"""The columns of a list a person chooses to see (static/js/columns.js), on a
1280-pixel laptop and a 360-pixel phone: the choice hides the column's cells
and is kept on the device; the title and the code always show."""

import pytest
from playwright.sync_api import expect

from tests.browser import test_accessibility
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import signed_in

portal = test_accessibility.portal


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_a_hidden_column_stays_hidden_and_the_title_cannot_be_hidden(
    portal, new_page, live_server, viewport
):
    page = signed_in(new_page, live_server, portal["users"]["gao"], viewport=viewport)
    page.goto("/projects/")

    control = page.locator(".columns-control")
    expect(control).to_be_visible()
    control.locator("summary").click()
    choices = control.locator("input[type=checkbox]")
    values = [choices.nth(i).get_attribute("value") for i in range(choices.count())]
    assert "partner" in values
    assert "code" not in values and "title" not in values

    partner = page.locator("#project-list-table tbody tr").first.locator("td").nth(4)
    expect(partner).to_be_visible()
    control.locator("input[value=partner]").uncheck()
    expect(partner).to_be_hidden()

    page.reload()
    partner = page.locator("#project-list-table tbody tr").first.locator("td").nth(4)
    expect(partner).to_be_hidden()
    expect(page.locator("#project-list-table tbody tr").first.locator("td").nth(1)).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0


def test_without_javascript_every_column_shows(portal, new_page, live_server):
    page = signed_in(
        new_page, live_server, portal["users"]["gao"], viewport=DESKTOP, java_script_enabled=False
    )
    page.goto("/projects/")

    expect(page.locator(".columns-control")).to_be_hidden()
    expect(page.locator("#project-list-table tbody tr").first.locator("td").nth(4)).to_be_visible()
