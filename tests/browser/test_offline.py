"""Offline drafts in a real browser: a report form kept by the service worker,
filled and saved without network, sent once the network is back, exactly
once; a draft whose record changed meanwhile shown with both versions; and a
device that forgets everything at sign-out and never shows one person's pages
to another."""

import time

import pytest
from playwright.sync_api import expect

from projects.models import ProgressReport
from tests.browser.conftest import sign_in
from tests.factories import ProgressReportFactory, ProjectFactory

DRAFTS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("portal-offline", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("drafts", { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = await new Promise((resolve) => {
    const request = db.transaction("drafts").objectStore("drafts").getAll();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return all.map((d) => ({ id: d.id, status: d.status, entries: d.entries }));
}"""

# The same draft stored a second time, under another name: sent twice.
COPY_DRAFT = """async () => {
  const db = await new Promise((resolve) => {
    const request = indexedDB.open("portal-offline", 1);
    request.onsuccess = () => resolve(request.result);
  });
  const store = () => db.transaction("drafts", "readwrite").objectStore("drafts");
  const all = await new Promise((resolve) => {
    const request = store().getAll();
    request.onsuccess = () => resolve(request.result);
  });
  await new Promise((resolve) => {
    const request = store().put(Object.assign({}, all[0], { id: "copy-" + all[0].id }));
    request.onsuccess = resolve;
  });
  db.close();
}"""

KEPT_PAGES = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    if (name.startsWith("portal-pages-")) {
      for (const request of await (await caches.open(name)).keys()) {
        found.push(name + " " + new URL(request.url).pathname);
      }
    }
  }
  return found;
}"""

PORTAL_CACHES = """async () => (await caches.keys()).filter((name) => name.startsWith("portal-"))"""


@pytest.fixture
def page(worker_page):
    """Here the service worker runs (the other browser tests block it)."""
    return worker_page


def eventually(check, timeout=10.0):
    """Wait until `check()` is true (the service worker and the sending of
    drafts work in the background)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def worker_in_control(page) -> None:
    # Polled from here: Playwright's wait_for_function evaluates a string, which
    # the content security policy refuses.
    eventually(lambda: page.evaluate("() => navigator.serviceWorker.controller !== null"))


def kept(page, path: str) -> bool:
    return any(entry.endswith(" " + path) for entry in page.evaluate(KEPT_PAGES))


def test_a_report_saved_offline_is_sent_once_back_online(page, gao_officer_browser):
    project = ProjectFactory(title="Forage de Tassiga")
    form = f"/projects/{project.pk}/reports/new/"
    sign_in(page, "ibrahim")
    worker_in_control(page)
    page.goto(form)
    eventually(lambda: kept(page, form))

    page.context.set_offline(True)
    page.fill("[name=period_start]", "2024-02-01")
    page.fill("[name=period_end]", "2024-03-31")
    page.fill("[name=narrative]", "Forage réalisé hors ligne ; la pompe arrive.")
    page.fill("[name=percent_complete]", "40")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()

    expect(page.locator("[data-offline-notice]")).to_be_visible()
    drafts = page.evaluate(DRAFTS)
    assert len(drafts) == 1
    assert ["narrative", "Forage réalisé hors ligne ; la pompe arrive."] in drafts[0]["entries"]
    assert not ProgressReport.objects.filter(project=project).exists()
    # The same draft a second time, as if sent from two tabs: its one-time token
    # makes the second one nothing new.
    page.evaluate(COPY_DRAFT)

    # Reloaded without network: the service worker shows the kept form.
    page.reload()
    expect(page.locator("form[data-offline-draft] [name=narrative]")).to_be_visible()
    expect(page.locator("[data-offline-waiting]")).to_be_visible()
    assert not ProgressReport.objects.filter(project=project).exists()

    page.context.set_offline(False)
    eventually(lambda: page.evaluate(DRAFTS) == [])
    reports = ProgressReport.objects.filter(project=project)
    assert reports.count() == 1
    assert reports.get().narrative == "Forage réalisé hors ligne ; la pompe arrive."
    assert reports.get().created_by == gao_officer_browser

    # Signing out forgets every page and draft the device kept.
    with page.expect_navigation():
        page.locator("form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(r"/accounts/login/")
    assert page.evaluate(PORTAL_CACHES) == []
    assert page.evaluate(DRAFTS) == []


def test_a_draft_of_a_record_changed_meanwhile_waits_with_both_versions(page, gao_officer_browser):
    report = ProgressReportFactory(narrative="La version de départ.")
    form = f"/projects/reports/{report.pk}/edit/"
    sign_in(page, "ibrahim")
    worker_in_control(page)
    page.goto(form)
    eventually(lambda: kept(page, form))

    page.context.set_offline(True)
    page.fill("[name=narrative]", "Ma version, écrite hors ligne.")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    expect(page.locator("[data-offline-notice]")).to_be_visible()

    # Meanwhile, somebody else saves the report.
    report.narrative = "Leur version, enregistrée entre-temps."
    report.save()

    page.context.set_offline(False)
    eventually(lambda: [d["status"] for d in page.evaluate(DRAFTS)] == ["conflict"])
    report.refresh_from_db()
    assert report.narrative == "Leur version, enregistrée entre-temps."

    page.goto("/offline/drafts/")
    card = page.locator("[data-draft]")
    expect(card).to_have_count(1)
    expect(card.locator("tr.offline-draft__differs")).to_contain_text(
        "Ma version, écrite hors ligne."
    )
    expect(card.locator("tr.offline-draft__differs")).to_contain_text(
        "Leur version, enregistrée entre-temps."
    )

    # The officer keeps their own version, knowingly.
    card.locator("[data-send]").click()
    eventually(lambda: page.evaluate(DRAFTS) == [])
    report.refresh_from_db()
    assert report.narrative == "Ma version, écrite hors ligne."


def test_a_page_kept_for_one_person_is_never_shown_to_another(
    page, gao_officer_browser, hq_officer_browser
):
    project = ProjectFactory(title="Forage de Tassiga")
    sign_in(page, "ibrahim")
    worker_in_control(page)
    page.goto(f"/projects/{project.pk}/")
    eventually(lambda: kept(page, f"/projects/{project.pk}/"))

    # Ibrahim's session ends without signing out; Moussa signs in on the device.
    page.context.clear_cookies()
    sign_in(page, "moussa")
    eventually(lambda: not kept(page, f"/projects/{project.pk}/"))

    page.context.set_offline(True)
    page.goto(f"/projects/{project.pk}/")
    assert "Ibrahim" not in page.content()
    page.context.set_offline(False)
