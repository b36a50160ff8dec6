"""The glossary: one definition of every figure, in both languages, and the
labels of the figures on the other pages linked to it."""

import re
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from portfolio.figures import glossary
from tests.factories import ContributionFactory, DepositFactory, FundingApprovalFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_glossary_defines_every_figure_with_an_anchor(client_for, viewer):
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get("/glossary/").text

    for key in ("pledged", "available", "left-to-transfer", "delivery-rate", "coverage", "gap"):
        assert f'<dt id="{key}"><dfn>' in page
    assert "Spent ÷ transferred, cumulative" in page
    assert "A priority whose coverage is under the gap threshold (50 %)." in page


def test_glossary_in_french(client_for, viewer):
    page = client_for(viewer).get("/glossary/").text

    assert '<html lang="fr"' in page
    assert "Ce que signifient les chiffres" in page
    assert "Disponible à approuver" in page
    assert "Bénéficiaires ciblés" in page and "Bénéficiaires atteints" in page


@override_settings(COVERAGE_GAP_THRESHOLD=40)
def test_the_gap_threshold_of_the_settings_is_the_one_defined(client_for, viewer):
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert "under the gap threshold (40 %)" in client.get("/glossary/").text


def test_glossary_needs_a_sign_in(client):
    response = client.get("/glossary/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_every_label_linked_in_a_template_has_its_definition():
    keys = {term.key for term in glossary()}
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r'\{% term "([a-z-]+)"', template.read_text(encoding="utf-8")))
    assert used, "no template links a figure to the glossary"
    assert used <= keys


def test_a_ledger_links_each_figure_to_its_definition(client_for, viewer):
    contribution = ContributionFactory()
    DepositFactory(contribution=contribution)
    FundingApprovalFactory(mechanism=contribution.mechanism, contribution=contribution)
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/funding/{contribution.mechanism.code}/").text

    link = re.search(r'<a class="term" href="/glossary/#available" title="([^"]*)">', page)
    assert link and link.group(1).startswith("Received − approved")
