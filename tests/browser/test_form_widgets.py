"""The search fields and the "Add a decision" button, with JavaScript: the
meeting form's organisations found by typing (the body's members already
ticked), a decision row added in the page and recorded, and the project's
cercles searched within the region chosen, on a phone too."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from coordination.models import Decision, Meeting
from tests.browser.conftest import PHONE, sign_in
from tests.factories import BodyFactory, MembershipFactory, OrganisationFactory

ORGANISATIONS = "[data-search-select]:has(input[name=organisations])"


def _search(page, box: str):
    return page.locator(f"{box} .search-select__input")


def _row(page, box: str, label: str):
    return page.locator(f"{box} div:has(> label > input[type=checkbox])", has_text=label)


def test_meeting_form_searches_organisations_and_adds_decision_rows(page, gao_officer_browser):
    body = BodyFactory(name="Comité régional de Gao")
    member = MembershipFactory(
        body=body, organisation=OrganisationFactory(name="Croix-Rouge malienne", acronym="CRM")
    ).organisation
    for number in range(14):
        OrganisationFactory(name=f"Organisation partenaire {number}", acronym=f"OP{number}")
    afd = OrganisationFactory(name="Agence française de développement", acronym="AFD")
    starts_at = timezone.localtime() + datetime.timedelta(days=3)
    sign_in(page, "ibrahim")

    page.goto(f"/coordination/meetings/new/?body={body.pk}")

    # A long list folds to the choices made: the member, ticked.
    expect(_row(page, ORGANISATIONS, "CRM — Croix-Rouge malienne")).to_be_visible()
    expect(page.locator(f"input[name=organisations][value='{member.pk}']")).to_be_checked()
    expect(_row(page, ORGANISATIONS, "OP3 — Organisation partenaire 3")).to_be_hidden()
    search = _search(page, ORGANISATIONS)
    search.fill("developpement")  # without the accent
    expect(_row(page, ORGANISATIONS, "AFD — Agence française de développement")).to_be_visible()
    expect(_row(page, ORGANISATIONS, "OP3 — Organisation partenaire 3")).to_be_hidden()
    search.press("Enter")  # does not send the form
    assert "/new/" in page.url
    page.locator(f"input[name=organisations][value='{afd.pk}']").check()

    page.fill("[name=starts_at]", starts_at.strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=place]", "Gouvernorat de Gao")
    page.locator("[data-formset-add]").click()
    expect(page.locator("[name=decisions-TOTAL_FORMS]")).to_have_value("4")
    fourth = page.locator("[name=decisions-3-text]")
    expect(fourth).to_be_focused()
    fourth.fill("Transmettre la liste des forages à réhabiliter")
    page.locator(".form-actions button[type=submit]").click()

    page.wait_for_url(f"**/coordination/meetings/{Meeting.objects.get().pk}/")
    meeting = Meeting.objects.get()
    assert set(meeting.organisations.all()) == {member, afd}
    assert [decision.text for decision in Decision.objects.all()] == [
        "Transmettre la liste des forages à réhabiliter"
    ]


def test_project_cercles_are_searched_within_the_region_chosen_on_a_phone(
    new_page, gao_officer_browser
):
    page = new_page(viewport=PHONE)
    sign_in(page, "ibrahim")
    page.goto("/projects/new/")

    # The region's fields arrive by htmx: search them once the old ones are gone.
    page.eval_on_selector("#region-fields", "fields => { fields.dataset.before = 'yes'; }")
    page.select_option("[name=region]", label="Gao")
    expect(page.locator("#region-fields:not([data-before])")).to_be_attached()
    cercles = "#region-fields [data-search-select]"
    search = _search(page, cercles)
    expect(search).to_be_visible()
    search.fill("anso")

    expect(page.get_by_label("Ansongo", exact=True)).to_be_visible()
    expect(page.get_by_label("Bourem", exact=True)).to_be_hidden()
    page.get_by_label("Ansongo", exact=True).check()
    # The search fields fit the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    focal = _search(page, "[data-search-select]:has(select[name=focal_point])")
    focal.fill("toure")
    focal.press("Enter")
    expect(page.locator("[name=focal_point]")).to_have_value(str(gao_officer_browser.pk))
