"""Browser tests: Playwright drives the Chromium of the operating system
(Debian's `chromium` package, never a downloaded browser) against the live
test server. Without that browser they are skipped, with the reason.

Every test here uses the live server, so a transactional database that is
emptied after each test: `serialized_rollback` puts back the reference data
the migrations loaded (regions, offices, roles, mechanisms) for the next one.
"""

import os
from pathlib import Path

import pytest

from accounts.roles import Role
from regions.models import Office
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tooling.screenshots import CHROMIUM, CHROMIUM_ARGS, WIDTHS

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "screenshots"
# The browser and the two widths of the screenshots (tooling.screenshots).
DESKTOP, PHONE = WIDTHS["desktop"], WIDTHS["phone"]

# Playwright's synchronous API runs an event loop in the test's thread; the
# test's own database calls are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_tests = [item for item in items if "tests/browser/" in item.nodeid]
    missing = not Path(CHROMIUM).exists()
    for item in browser_tests:
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if missing:
            item.add_marker(
                pytest.mark.skip(
                    reason=f"no Chromium at {CHROMIUM}: install Debian's chromium package "
                    "(apt-get install chromium) to run the browser tests"
                )
            )


@pytest.fixture(scope="session")
def browser(live_server):
    # Depends on the live server so that the browser, and its open
    # connections, close before the server does.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _context(browser, live_server, **options):
    options.setdefault("viewport", DESKTOP)
    # The service worker fetches pages on its own, after a test may have
    # ended: only the tests of offline use (`worker_page`) let it run.
    options.setdefault("service_workers", "block")
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser, live_server):
    """A browser tab with JavaScript, French by default."""
    context = _context(browser, live_server)
    yield context.new_page()
    context.close()


@pytest.fixture
def worker_page(browser, live_server):
    """A browser tab whose service worker runs (offline use)."""
    context = _context(browser, live_server, service_workers="allow")
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser, live_server):
    """A browser tab with JavaScript turned off."""
    context = _context(browser, live_server, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens more tabs, each in its own context (another person signed in)."""
    contexts = []

    def open_page(**options):
        context = _context(browser, live_server, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def screenshot(page, name: str) -> Path:
    """Save what the page shows, whole, as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- People ---------------------------------------------------------------------------


@pytest.fixture
def gao_officer_browser(db):
    return UserFactory(
        username="ibrahim",
        first_name="Ibrahim",
        last_name="Touré",
        role=Role.REGIONAL_OFFICER,
        office=Office.objects.get(name="Gao"),
    )


@pytest.fixture
def hq_officer_browser(db):
    return UserFactory(
        username="moussa",
        first_name="Moussa",
        last_name="Keïta",
        role=Role.HQ_OFFICER,
        office=Office.objects.get(name="Bamako"),
    )


@pytest.fixture
def fund_manager_browser(db):
    return UserFactory(
        username="fatoumata",
        first_name="Fatoumata",
        last_name="Diallo",
        role=Role.FUND_MANAGER,
        office=Office.objects.get(name="Bamako"),
    )


# --- The database under Playwright -------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _reference_data_restored_under_playwright(request, django_db_setup):
    """Keep `serialized_rollback` working once the browser has started.

    Playwright's synchronous API leaves its event loop marked as running in
    the test's thread between calls; Django's connections are then looked up
    per asyncio context instead of per thread, so the thread gets a second
    connection to the same test database, without the serialized reference
    data (regions, offices, roles, mechanisms) that is put back after each
    test. Without this, every browser test after the first ran on an empty
    database. The data is read from the first connection before the browser
    starts and given to the one the tests use afterwards.
    """
    from django.db import connections

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    request.getfixturevalue("browser")
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents
