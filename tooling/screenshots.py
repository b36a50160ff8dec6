"""Screenshots of the portal's main pages, as the demo users see them, at a
desktop width (1280 px) and on a phone (360 px), saved as PNG files named
`design-<page>-<role>-<desktop|phone>-<suffix>.png`: the same pages taken
before and after a change of design can be laid side by side.

Playwright drives the Chromium of the operating system, as the browser tests
do. Each picture is the top of the page, at most `MAX_HEIGHT` pixels tall,
reduced to a palette of colours to stay small.

Playwright is a test dependency (requirements-test.lock): it is imported
when screenshots are taken, never with the portal.
"""

import os
import re
import shutil
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 360, "height": 740},
}
MAX_HEIGHT = 1800
PROJECT_LINK = re.compile(r"^/projects/\d+/$")


@dataclass(frozen=True)
class Shot:
    """A page as one demo user sees it. `path` is a URL path, or a function
    of the open tab that finds it (a project of the demo data, say);
    `then`, if given, acts on the page and the result is taken as well,
    under the name `then_name` (a form sent to its confirmation page)."""

    name: str
    user: str
    path: str | Callable
    then: Callable | None = None
    then_name: str = ""


_found: dict[str, str] = {}


def _project(page) -> str:
    """An ongoing project of Gao, found in the list (the first ongoing one
    if none is of Gao); the same one for every user and width of a run."""
    if "project" not in _found:
        page.goto("/projects/?status=ongoing")
        links = []
        for link in page.locator("main a[href^='/projects/']").all():
            href = link.get_attribute("href") or ""
            if PROJECT_LINK.match(href):
                row = link.evaluate("a => (a.closest('tr, li, article') || a).innerText")
                links.append((href, row))
        if not links:
            raise LookupError("no ongoing project in the list")
        gao = [href for href, row in links if "gao" in row.lower()]
        _found["project"] = (gao or [links[0][0]])[0]
    return _found["project"]


def _approval_form(page) -> str:
    """The approval form of an approved project, one budgeted in another
    currency than the dollar if there is one (its confirmation shows the
    dollar equivalent and the rate)."""
    if "approval" not in _found:
        page.goto("/projects/?status=approved")
        hrefs = [link.get_attribute("href") or "" for link in page.locator("main a").all()]
        forms = [href + "money/approvals/new/" for href in hrefs if PROJECT_LINK.match(href)]
        if not forms:
            raise LookupError("no approved project in the list")
        _found["approval"] = forms[0]
        for form in forms[:10]:
            page.goto(form)
            currency = page.locator("main select[name=currency]")
            if currency.count() and currency.input_value() != "USD":
                _found["approval"] = form
                break
    return _found["approval"]


def _under_project(suffix: str) -> Callable:
    return lambda page: _project(page) + suffix


def _send_form(page) -> bool:
    """Send the money form as proposed, its empty fields filled in:
    the portal answers with the confirmation page, and records nothing until
    it is confirmed. False when the page did not come."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    form = page.locator("main form[method=post]").last
    for field in form.locator("input[type=text], input[type=date], input[type=number]").all():
        if field.input_value() or not field.is_visible():
            continue
        if field.get_attribute("type") == "date":
            field.fill(time.strftime("%Y-%m-%d"))
        elif "amount" in (field.get_attribute("name") or ""):
            field.fill("1000")
        else:
            field.fill("REF-2026-001")
    try:
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
    except PlaywrightTimeout:  # the browser found a field to fill first
        return False
    return page.locator("main [name=confirmed]").count() > 0


SHOTS = [
    Shot("dashboard", "gao", "/"),
    Shot("dashboard", "hq", "/"),
    Shot("dashboard", "viewer", "/"),
    Shot("projects", "hq", "/projects/"),
    Shot("project", "gao", _project),
    Shot("project-form", "gao", "/projects/new/"),
    Shot("status", "gao", _under_project("status/")),
    Shot("meeting-form", "gao", "/coordination/meetings/new/"),
    Shot("tranche-form", "fund", _under_project("money/tranches/new/")),
    Shot(
        "approval-form",
        "fund",
        _approval_form,
        then=_send_form,
        then_name="approval-confirm",
    ),
    Shot("contributions", "fund", "/funding/contributions/"),
]


def take(
    base_url: str,
    output: Path,
    suffix: str,
    *,
    password: str,
    language: str = "fr-FR",
    only: set[str] | None = None,
    report: Callable[[str], None] = print,
) -> list[Path]:
    """Sign in as each demo user of `SHOTS` and save their pages in
    `output`; returns the files written."""
    from playwright.sync_api import sync_playwright

    output.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width, viewport in WIDTHS.items():
                for user in dict.fromkeys(shot.user for shot in SHOTS):
                    shots = [s for s in SHOTS if s.user == user and (not only or s.name in only)]
                    if not shots:
                        continue
                    context = browser.new_context(
                        base_url=base_url,
                        viewport=viewport,
                        locale=language,
                        service_workers="block",
                    )
                    context.set_default_timeout(20_000)
                    page = context.new_page()
                    _sign_in(page, user, password)
                    for shot in shots:
                        written += _take_one(page, shot, output, width, suffix, report)
                    context.close()
        finally:
            browser.close()
    return written


def _sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    if "/accounts/login/" in page.url or "two-factor" in page.url:
        raise RuntimeError(
            f"{username} could not sign in ({page.url}): check the password, and that "
            "the server runs with TWO_FACTOR_ROLES empty"
        )


def _take_one(page, shot: Shot, output: Path, width: str, suffix: str, report) -> list[Path]:
    path = shot.path(page) if callable(shot.path) else shot.path
    response = page.goto(path)
    if response is None or not response.ok:
        status = response.status if response else "no answer"
        report(f"skipped {shot.name} ({shot.user}, {width}): {path} answered {status}")
        return []
    written = [_save(page, output / f"design-{shot.name}-{shot.user}-{width}-{suffix}.png")]
    if shot.then and not shot.then(page):
        report(f"skipped {shot.then_name} ({shot.user}, {width}): not reached from {path}")
    elif shot.then:
        name = f"design-{shot.then_name}-{shot.user}-{width}-{suffix}.png"
        written.append(_save(page, output / name))
    for file in written:
        report(f"{file} ({file.stat().st_size // 1024} KB)")
    return written


def _save(page, path: Path) -> Path:
    """The top of the page, at most MAX_HEIGHT tall, in a palette of colours."""
    page.wait_for_load_state("networkidle")
    width = page.viewport_size["width"]
    height = page.evaluate("document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": width, "height": min(max(height, 1), MAX_HEIGHT)}
    page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
    _reduce(path)
    return path


def _reduce(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


# --- A portal of its own --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def demo_server(password: str, port: int | None = None) -> Iterator[str]:
    """A development server on a new SQLite database holding the demo data,
    two-factor sign-in required of no one; yields its base URL."""
    port = port or _free_port()
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
            "DJANGO_DEBUG": "true",
            "TWO_FACTOR_ROLES": "",
        }
        env.pop("REDIS_URL", None)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        for command in (["migrate", "--noinput"], ["createcachetable"], ["seed_demo"]):
            subprocess.run(  # nosec B603
                manage + command + (["--password", password] if command == ["seed_demo"] else []),
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        server = subprocess.Popen(  # nosec B603
            manage + ["runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base_url + "/healthz")
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=20)


def _wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # nosec B310
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
