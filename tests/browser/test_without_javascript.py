"""The journeys again with JavaScript turned off, where the pages promise to
work without it: plain forms and links, no htmx."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from funding.models import FundingApproval, Mechanism
from projects.models import ProgressReport, Project
from regions.models import Region
from reviews.models import ReviewEvent
from tests.browser.test_journeys import (
    RETURN_COMMENT,
    click_review_button,
    expect_message,
    fill_project_form,
    gao_priority,
    projects_in_two_regions,
    shown_count,
    signed_in,
)
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ProgressReportFactory,
    ProjectFactory,
)


def test_projects_filter_is_a_form_sent_without_javascript(page_without_js, hq_officer_browser):
    page = page_without_js
    projects = projects_in_two_regions()
    gao = Region.objects.get(code="ML-7")
    signed_in(page, "moussa")
    page.goto("/projects/")
    expect(shown_count(page)).to_have_text("5")

    page.select_option("[name=region]", label="Gao")
    expect(shown_count(page)).to_have_text("5")  # nothing happens until the form is sent
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(rf"[?&]region={gao.pk}(&|$)"))
    expect(shown_count(page)).to_have_text("3")
    codes = page.locator("#project-table tbody tr td:first-child")
    expect(codes).to_have_text(sorted(p.code for p in projects["gao"]))


def test_project_form_offers_the_regions_cercles_once_sent_without_javascript(
    page_without_js, gao_officer_browser
):
    page = page_without_js
    priority = gao_priority()
    signed_in(page, "ibrahim")
    page.goto("/projects/new/")
    # Before a region is chosen, the cercles of every region the officer
    # covers, each named with its region.
    cercles = page.locator("#region-fields input[name=cercles]")
    expect(cercles).to_have_count(7)
    page.select_option("[name=region]", label="Gao")
    fill_project_form(
        page, title="Forage pastoral de Tassiga", cercle="Ménaka (Ménaka)", priority=priority
    )
    page.get_by_role("button", name="Créer le projet").click()

    # A cercle of another region is refused; the form now offers Gao's only.
    expect(page.locator("#region-fields .form-field--error")).to_contain_text("la région du projet")
    expect(cercles).to_have_count(3)
    assert not Project.objects.exists()
    page.get_by_label("Bourem", exact=True).check()
    page.get_by_role("button", name="Créer le projet").click()
    expect_message(page, "a été créé")
    project = Project.objects.get()
    expect(page.locator("h1")).to_contain_text(project.code)
    assert [cercle.name for cercle in project.cercles.all()] == ["Bourem"]
    assert (project.title, project.priority) == ("Forage pastoral de Tassiga", priority)


def test_progress_report_is_submitted_returned_and_approved_without_javascript(
    page_without_js, new_page, gao_officer_browser, hq_officer_browser
):
    officer = page_without_js
    report = ProgressReportFactory(created_by=gao_officer_browser)
    signed_in(officer, "ibrahim")
    officer.goto(report.get_absolute_url())
    click_review_button(officer, "Soumettre à l'examen")
    expect_message(officer, "Rapport soumis")

    hq = new_page(java_script_enabled=False)
    signed_in(hq, "moussa")
    hq.goto(report.get_absolute_url())
    hq.fill("#return_comment", RETURN_COMMENT)
    click_review_button(hq, "Renvoyer pour correction")
    expect_message(hq, "Rapport renvoyé")

    officer.reload()
    expect(officer.locator(".timeline")).to_contain_text(RETURN_COMMENT)
    click_review_button(officer, "Soumettre à l'examen")
    hq.reload()
    click_review_button(hq, "Approuver")
    expect_message(hq, "Rapport approuvé")

    report.refresh_from_db()
    assert report.review_status == "approved"
    events = ReviewEvent.objects.filter(object_id=report.pk, content_type__model="progressreport")
    assert [event.action for event in events] == ["submitted", "returned", "submitted", "approved"]
    assert ProgressReport.objects.count() == 1


def test_trust_fund_approval_is_confirmed_and_the_balance_holds_without_javascript(
    page_without_js, fund_manager_browser
):
    page = page_without_js
    project = ProjectFactory(
        title="Centre de santé de Bourem", mechanism=Mechanism.objects.get(code="tf")
    )
    contribution = ContributionFactory()
    DepositFactory(contribution=contribution, amount=Decimal("60000.00"))
    signed_in(page, "fatoumata")

    def ask_approval(amount: str, reference: str) -> None:
        page.goto(f"/projects/{project.pk}/money/approvals/new/")
        page.fill("[name=amount]", amount)
        page.fill("[name=approved_on]", "2024-03-05")
        page.fill("[name=decision_reference]", reference)
        page.select_option("[name=contribution]", str(contribution.pk))
        page.get_by_role("button", name="Continuer").click()

    ask_approval("50 000", "CP-FF-2024-03")
    expect(page.locator("main")).to_contain_text("50 000,00 USD")
    page.get_by_role("button", name="Confirmer et enregistrer").click()
    expect_message(page, "L'approbation du financement a été enregistrée.")
    expect(page.locator("#money")).to_contain_text("CP-FF-2024-03")

    # Only USD 10,000 of the contribution received is left to approve.
    ask_approval("20 000", "CP-FF-2024-04")
    expect(page.locator(".form-field--error")).to_contain_text(
        "dépasse le montant reçu au titre de la contribution et non encore approuvé (10 000,00 USD)"
    )
    expect(page.get_by_role("button", name="Confirmer et enregistrer")).to_have_count(0)
    assert list(FundingApproval.objects.values_list("decision_reference", "amount")) == [
        ("CP-FF-2024-03", Decimal("50000.00"))
    ]


def test_language_switch_and_signing_out_and_in_work_without_javascript(
    page_without_js, gao_officer_browser
):
    page = page_without_js
    signed_in(page, "ibrahim")
    expect(page.locator("main h1")).to_have_text("Tableau de bord")
    page.locator(".lang-switch").get_by_role("button", name="English").click()
    expect(page.locator("main h1")).to_have_text("Dashboard")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.context.clear_cookies()  # the choice is the user's, not this browser's
    signed_in(page, "ibrahim")
    expect(page.locator("main h1")).to_have_text("Dashboard")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
