"""End-to-end journeys through the portal in a real browser, with JavaScript:
what people do from one page to the next, checked on the page and in the
database. The same journeys without JavaScript are in
`test_without_javascript.py`, which reuses the helpers of this module."""

import datetime
import re
from decimal import Decimal

import openpyxl
from axes.models import AccessAttempt
from playwright.sync_api import expect

from funding.models import FundingApproval, Mechanism, Tranche
from projects.models import ProgressReport, Project
from regions.models import Region, RegionalPlan
from reviews.models import ReviewEvent
from tests.browser.conftest import sign_in
from tests.factories import PlanFactory, PriorityFactory, ProjectFactory

RETURN_COMMENT = "Précisez le nombre de ménages raccordés au forage."


# --- Helpers shared with the journeys without JavaScript -------------------------------


def gao_priority():
    """A priority of Gao's validated plan, which new Gao projects map to."""
    plan = PlanFactory(
        title="Plan régional de Gao 2025–2026",
        status=RegionalPlan.Status.VALIDATED,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    return PriorityFactory(plan=plan, code="AXE-2", title="Accès à l'eau potable")


def expect_message(page, text: str) -> None:
    """The message the portal shows after an action (post/redirect/get)."""
    expect(page.locator(".messages")).to_contain_text(text)


def fill_project_form(page, *, title: str, cercle: str, priority) -> None:
    """The required fields of the project form, for a QIP in Gao; the region
    is chosen by the caller, and `cercle` is the label of the cercle's box."""
    page.fill("[name=title]", title)
    page.get_by_label(cercle, exact=True).check()
    page.select_option("[name=priority]", label=f"{priority.plan.title}: {priority}")
    page.select_option("[name=mechanism]", label="QIP")
    page.fill("[name=budget_amount]", "45000")
    page.select_option("[name=budget_currency]", "USD")
    page.fill("[name=planned_start]", "2025-02-01")
    page.fill("[name=planned_end]", "2025-07-31")
    page.fill("[name=women]", "300")
    page.fill("[name=girls]", "150")


def add_indicator(page, project: Project) -> None:
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Ajouter un indicateur").click()
    page.fill("[name=title]", "Ménages raccordés au forage")
    page.fill("[name=unit]", "ménages")
    page.fill("[name=baseline]", "0")
    page.fill("[name=target]", "400")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#indicators")).to_contain_text("Ménages raccordés au forage")


def write_progress_report(page, project: Project) -> ProgressReport:
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Ajouter un rapport d'avancement").click()
    page.fill("[name=period_start]", "2025-02-01")
    page.fill("[name=period_end]", "2025-03-31")
    page.fill("[name=narrative]", "Forage réalisé ; la pompe est en cours d'installation.")
    page.fill("[name=percent_complete]", "40")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    expect_message(page, "Rapport enregistré comme brouillon")
    return ProgressReport.objects.get(project=project)


def signed_in(page, username: str) -> None:
    """Sign in with the form and wait until the portal shows the person's
    menu (folded on a phone): what comes next must not interrupt the sign-in
    on its way."""
    sign_in(page, username)
    expect(page.locator(".user-menu")).to_be_attached()


def click_review_button(page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name, exact=True).click()


# --- Journeys ------------------------------------------------------------------------


def test_regional_officer_creates_a_project_and_its_report_is_returned_then_approved(
    page, new_page, gao_officer_browser, hq_officer_browser
):
    priority = gao_priority()
    signed_in(page, "ibrahim")

    # The project form: choosing the region offers its own cercles (htmx).
    page.goto("/projects/new/")
    cercles = page.locator("#region-fields input[name=cercles]")
    expect(cercles).to_have_count(7)  # Gao's three and Ménaka's four, before a choice
    page.select_option("[name=region]", label="Gao")
    expect(cercles).to_have_count(3)
    expect(page.locator("#region-fields")).not_to_contain_text("Ménaka")
    fill_project_form(page, title="Forage pastoral de Tassiga", cercle="Ansongo", priority=priority)
    page.get_by_role("button", name="Créer le projet").click()
    expect_message(page, "a été créé")
    project = Project.objects.get(title="Forage pastoral de Tassiga")
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/$"))
    expect(page.locator("h1")).to_contain_text(project.code)
    assert project.code.startswith("QIP-2025-GAO-")
    assert [cercle.name for cercle in project.cercles.all()] == ["Ansongo"]
    assert project.priority == priority

    add_indicator(page, project)
    report = write_progress_report(page, project)
    click_review_button(page, "Soumettre à l'examen")
    expect_message(page, "soumis")

    # Headquarters, in another browser, returns it with a comment.
    hq = new_page()
    signed_in(hq, "moussa")
    hq.goto("/reviews/")
    hq.get_by_role("link", name=str(report)).click()
    hq.fill("#return_comment", RETURN_COMMENT)
    click_review_button(hq, "Renvoyer pour correction")
    expect(hq.locator(".timeline")).to_contain_text(RETURN_COMMENT)

    # The officer finds it returned in their queue, corrects it and submits again.
    page.goto("/reviews/")
    returned = page.locator("section", has=page.get_by_role("heading", name="Renvoyés"))
    returned.get_by_role("link", name=str(report)).click()
    page.locator("main").get_by_role("link", name="Modifier", exact=True).click()
    page.fill("[name=narrative]", "Forage réalisé ; 120 ménages raccordés sur 400.")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    expect(page.locator("main")).to_contain_text("120 ménages raccordés")
    click_review_button(page, "Soumettre à l'examen")
    expect_message(page, "soumis")

    hq.reload()
    click_review_button(hq, "Approuver")
    expect_message(hq, "approuvé")

    # The report's timeline tells the whole story, and the project page its outcome.
    page.goto(report.get_absolute_url())
    events = page.locator(".timeline > li")
    expect(events).to_have_count(4)
    expect(events.nth(0)).to_contain_text("Soumis")
    expect(events.nth(1)).to_contain_text("Renvoyé")
    expect(events.nth(1)).to_contain_text(RETURN_COMMENT)
    expect(events.nth(2)).to_contain_text("Soumis")
    expect(events.nth(3)).to_contain_text("Approuvé")
    page.goto(project.get_absolute_url())
    expect(page.locator("#progress-reports")).to_contain_text("approuvé")

    report.refresh_from_db()
    assert report.review_status == "approved"
    assert report.narrative == "Forage réalisé ; 120 ménages raccordés sur 400."
    events = ReviewEvent.objects.filter(object_id=report.pk, content_type__model="progressreport")
    assert [(e.action, e.actor.username, e.comment) for e in events] == [
        ("submitted", "ibrahim", ""),
        ("returned", "moussa", RETURN_COMMENT),
        ("submitted", "ibrahim", ""),
        ("approved", "moussa", ""),
    ]
    assert (project.region.code, project.created_by.username) == ("ML-7", "ibrahim")


def test_regional_officer_is_refused_the_edit_page_of_another_region(page, gao_officer_browser):
    # An officer who prefers English: the portal speaks it once they sign in.
    gao_officer_browser.language = "en"
    gao_officer_browser.save(update_fields=["language"])
    mopti = ProjectFactory(
        region=Region.objects.get(code="ML-5"), title="Digue de Sévaré", status="approved"
    )
    gao = ProjectFactory(title="Forage de Tassiga")
    signed_in(page, "ibrahim")

    response = page.goto(f"/projects/{mopti.pk}/edit/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Access denied")
    expect(page).to_have_title(re.compile("^Access denied"))

    page.goto(f"/projects/{mopti.pk}/")
    expect(page.locator("h1")).to_contain_text("Digue de Sévaré")
    edit = page.locator("main").get_by_role("link", name="Edit", exact=True)
    expect(edit).to_have_count(0)

    page.goto(f"/projects/{gao.pk}/")
    edit.click()
    expect(page).to_have_url(re.compile(rf"/projects/{gao.pk}/edit/$"))
    expect(page.locator("h1")).to_have_text(f"Edit the project {gao.code}")
    mopti.refresh_from_db()
    assert mopti.version == 1 and mopti.title == "Digue de Sévaré"


def projects_in_two_regions():
    """Five projects: three in Gao (one of them a Trust Fund project), two in Mopti."""
    mopti = Region.objects.get(code="ML-5")
    trust_fund = Mechanism.objects.get(code="tf")
    return {
        "gao": [
            ProjectFactory(title="Forage de Tassiga"),
            ProjectFactory(title="Marché de bétail d'Ansongo"),
            ProjectFactory(title="Centre de santé de Bourem", mechanism=trust_fund),
        ],
        "mopti": [
            ProjectFactory(region=mopti, title="Digue de Sévaré"),
            ProjectFactory(region=mopti, title="Radio communautaire de Djenné"),
        ],
    }


def shown_count(page):
    """The number of projects the list says it found."""
    return page.locator("#project-table .stat__value").first


def test_filtering_projects_swaps_the_table_and_the_excel_file_has_the_same_rows(
    page, hq_officer_browser, tmp_path
):
    projects = projects_in_two_regions()
    gao = Region.objects.get(code="ML-7")
    signed_in(page, "moussa")
    page.goto("/projects/")
    expect(shown_count(page)).to_have_text("5")
    # A mark on the window survives an htmx swap, not a page load.
    page.evaluate("window.sameDocument = true")

    page.select_option("[name=region]", label="Gao")
    expect(page).to_have_url(re.compile(rf"[?&]region={gao.pk}(&|$)"))
    expect(shown_count(page)).to_have_text("3")
    rows = page.locator("#project-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#project-table")).not_to_contain_text("Digue de Sévaré")

    page.select_option("[name=mechanism]", label="QIP")
    expect(shown_count(page)).to_have_text("2")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"[?&]mechanism=\d+"))
    assert page.evaluate("window.sameDocument") is True

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger au format Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    header, *data, totals = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Code"
    assert totals[0] == "Total"
    assert len(data) == int(shown_count(page).inner_text())
    expected = {project.code for project in projects["gao"] if project.mechanism.code == "qip"}
    assert {row[0] for row in data} == expected


def test_fund_manager_records_an_approval_and_a_tranche_and_is_refused_above_the_ceiling(
    page, fund_manager_browser
):
    project = ProjectFactory(title="Forage de Tassiga")  # a QIP of USD 40,000
    signed_in(page, "fatoumata")

    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Enregistrer une approbation du financement").click()
    page.fill("[name=amount]", "40 000")
    page.fill("[name=approved_on]", "2024-02-15")
    page.fill("[name=decision_reference]", "PRC-2024-007")
    page.get_by_role("button", name="Continuer").click()
    # The confirmation page says what will be recorded; nothing is written yet.
    expect(page.locator("h1")).to_contain_text(project.code)
    expect(page.locator("main")).to_contain_text("40 000,00 USD")
    assert not FundingApproval.objects.exists()
    page.get_by_role("button", name="Confirmer et enregistrer").click()
    expect_message(page, "L'approbation du financement a été enregistrée.")
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/#money$"))

    page.get_by_role("link", name="Enregistrer une tranche").click()
    # The QIP schedule proposes 80 % at signature: USD 32,000.
    expect(page.locator("[name=amount]")).to_have_value(re.compile(r"^32\s?000,00$"))
    page.fill("[name=paid_on]", "2024-03-01")
    page.fill("[name=reference]", "TRF-2024-031")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Confirmer et enregistrer").click()
    expect_message(page, "La tranche a été enregistrée.")

    money = page.locator("#money")
    expect(money).to_contain_text("PRC-2024-007")
    expect(money).to_contain_text("TRF-2024-031")
    expect(money.locator("dd").nth(0)).to_have_text("40 000,00 USD")  # approved
    expect(money.locator("dd").nth(1)).to_have_text("32 000,00 USD")  # transferred
    expect(money.locator("dd").nth(3)).to_have_text("8 000,00 USD")  # remaining

    # Another USD 15,000 would bring the QIP above its USD 50,000 ceiling.
    page.get_by_role("link", name="Enregistrer une approbation du financement").click()
    page.fill("[name=amount]", "15 000")
    page.fill("[name=approved_on]", "2024-04-02")
    page.fill("[name=decision_reference]", "PRC-2024-019")
    page.get_by_role("button", name="Continuer").click()
    error = page.locator(".form-field--error")
    expect(error).to_contain_text("plus que les 50 000 USD que peut coûter un projet QIP")
    expect(page.get_by_role("button", name="Confirmer et enregistrer")).to_have_count(0)

    assert [(a.decision_reference, a.amount) for a in FundingApproval.objects.all()] == [
        ("PRC-2024-007", Decimal("40000.00"))
    ]
    assert [(t.reference, t.amount, t.step.percent) for t in Tranche.objects.all()] == [
        ("TRF-2024-031", Decimal("32000.00"), Decimal("80"))
    ]


def test_language_switch_changes_the_whole_interface_and_is_remembered(
    page, new_page, hq_officer_browser
):
    signed_in(page, "moussa")
    page.goto("/projects/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title("Projets · Portail Stabilisation et Relèvement")
    expect(page.locator(".site-nav")).to_contain_text("Tableau de bord")

    page.locator(".lang-switch").get_by_role("button", name="English").click()
    # Back on the same page, all in English: header, navigation, title, content.
    expect(page).to_have_url(re.compile(r"/projects/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title("Projects · Stabilization & Recovery portal")
    expect(page.locator(".brand")).to_have_text(
        "Stabilization & Recovery portal", use_inner_text=True
    )
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    navigation = page.locator(".site-nav")
    for label in ("Dashboard", "Plans", "Projects", "Funding", "Coordination", "My queue"):
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.locator("main h1")).to_have_text("Projects")
    expect(page.get_by_role("button", name="Filter")).to_be_visible()
    expect(page.locator(".lang-switch button[lang=en]")).to_be_disabled()

    with page.expect_navigation():  # signed out before going on
        page.get_by_role("button", name="Sign out").click()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Another browser, which has never seen the choice: signing in brings it back.
    elsewhere = new_page()
    elsewhere.goto("/accounts/login/")
    expect(elsewhere.locator("main h1")).to_have_text("Se connecter")
    signed_in(elsewhere, "moussa")
    expect(elsewhere.locator("main h1")).to_have_text("Dashboard")
    expect(elsewhere).to_have_title("Dashboard · Stabilization & Recovery portal")
    hq_officer_browser.refresh_from_db()
    assert hq_officer_browser.language == "en"


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(page, gao_officer_browser):
    for attempt in range(1, 5):
        sign_in(page, "ibrahim", password=f"mauvais-mot-de-passe-{attempt}")
        refused = "Saisissez un nom d’utilisateur et un mot de passe valides"
        expect(page.get_by_role("alert").filter(has_text=refused)).to_be_visible()
    response_statuses = []
    page.on("response", lambda response: response_statuses.append(response.status))
    sign_in(page, "ibrahim", password="mauvais-mot-de-passe-5")
    expect(page.locator("main h1")).to_have_text("Compte verrouillé")
    locked = (
        "Trop de tentatives de connexion infructueuses. Ce compte est verrouillé pour "
        "cette adresse ; réessayez dans 15 minutes"
    )
    expect(page.get_by_role("alert").filter(has_text=locked)).to_be_visible()

    sign_in(page, "ibrahim")  # the right password
    expect(page.locator("main h1")).to_have_text("Compte verrouillé")
    assert 429 in response_statuses
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    attempt = AccessAttempt.objects.get(username="ibrahim")
    assert attempt.failures_since_start >= 5
