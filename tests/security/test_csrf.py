"""Cross-site request forgery: every POST of the portal needs the CSRF token
of a form the portal served.

Every route of the URL configuration (walked from the root resolver) is
POSTed to by a user permitted to use it, once without the token (refused
with 403, and nothing written) and once with it (answered, so that the
refusal came from the missing token and not from access). The routes that
take POST are compared with the declared list below: a new one must be
added to it, and so is tested.

Django admin is left out of the walk but for its sign-in, its sign-out and
one change form: its views are Django's own, protected by the same
middleware and by `csrf_protect` on each, and who may use its hundreds of
routes is checked by `test_url_matrix.py`.

Then one real POST per app, with the token read from the form page it came
from, does what it does."""

import logging
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coordination.models import Organisation
from funding.models import ExchangeRate
from projects.models import Location
from regions.models import RegionalPlan
from reviews.models import ReviewStatus
from tests.conftest import PASSWORD
from tests.factories import (
    PlanFactory,
    PlanUpdateFactory,
    PriorityProgressFactory,
    ProjectFactory,
)
from tests.security import routes

# Every route that takes POST (the admin's aside). A new one fails
# `test_the_routes_that_take_post_are_the_declared_ones` until added here.
POST_ROUTES = {
    "login",
    "logout",
    "password_change",
    "password_reset",
    "password_reset_confirm",
    "set_language",
    "profile_digest",
    "api_token_create",
    "api_token_revoke",
    "two_factor_verify",
    "two_factor_setup",
    "two_factor_new_codes",
    "two_factor_remove",
    "regions:plan_create",
    "regions:plan_edit",
    "regions:plan_send",
    "regions:plan_back_to_draft",
    "regions:plan_validate",
    "regions:plan_archive",
    "regions:priority_create",
    "regions:priority_edit",
    "regions:outcome_create",
    "regions:outcome_edit",
    "regions:outcome_target_create",
    "regions:outcome_target_edit",
    "regions:outcome_target_delete",
    "regions:plan_document_upload",
    "regions:update_create",
    "regions:update_edit",
    "regions:update_submit",
    "regions:update_approve",
    "regions:update_return",
    "regions:update_attachment_upload",
    "projects:create",
    "projects:edit",
    "projects:budget",
    "projects:status",
    "projects:document_upload",
    "projects:approval_create",
    "projects:tranche_create",
    "projects:expenditure_create",
    "projects:location_create",
    "projects:location_edit",
    "projects:location_delete",
    "projects:indicator_create",
    "projects:indicator_edit",
    "projects:target_create",
    "projects:target_edit",
    "projects:target_delete",
    "projects:indicator_report_create",
    "projects:indicator_report_edit",
    "projects:indicator_report_step",
    "projects:progress_report_create",
    "projects:progress_report_edit",
    "projects:progress_report_step",
    "projects:report_attachment_upload",
    "projects:workbook_upload",
    "projects:workbook_submit",
    "coordination:organisation_create",
    "coordination:organisation_edit",
    "coordination:body_create",
    "coordination:body_edit",
    "coordination:member_add",
    "coordination:member_end",
    "coordination:meeting_create",
    "coordination:meeting_edit",
    "coordination:decision_add",
    "coordination:meeting_document_upload",
    "coordination:decision_status",
    "coordination:calendar_reset",
    "funding:contribution_create",
    "funding:contribution_edit",
    "funding:contribution_import",
    "funding:deposit_create",
    "funding:rate_create",
    "funding:rate_edit",
    "funding:rate_import",
    "invitation",
    "people:invite",
    "people:edit",
    "people:deactivate",
    "people:reactivate",
    "people:invite_again",
    "core:saved_filter_create",
    "core:saved_filter_delete",
}
ADMIN_SAMPLE = ("admin:login", "admin:logout", "admin:regions_regionalplan_change")

# Who tries a route, among those the route table permits: the first of these.
PREFERRED_ROLES = (
    "hq_officer",
    "gao_officer",
    "mopti_officer",
    "fund_manager",
    "administrator",
    "viewer",
)

# Statements that write; the session's own row is rewritten at every request
# (idle expiry) and is no record of the portal.
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def portal_routes() -> list[str]:
    names: list[str] = []

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(pattern, f"{namespace}:{inner}" if namespace and inner else inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if name not in names:
                    names.append(name)

    walk(get_resolver(), None)
    return [name for name in names if not name.startswith("admin:")] + list(ADMIN_SAMPLE)


ROUTES = portal_routes()


def _attempts(portal, name: str) -> list[tuple[str, str]]:
    """(role, URL): for each record the route names, a role permitted there."""
    found = []
    for entry in routes.rules_for(name):
        if entry.target is not None:
            variants = sorted(v for kind, v in portal.records if kind == entry.target)
        else:
            variants = [""]
        for variant in variants:
            if entry.args is not None:
                args = entry.args(portal, variant)
            elif entry.target is not None:
                args = [getattr(portal[entry.target, variant], entry.key), *entry.extra]
            elif name == "admin:regions_regionalplan_change":
                args = [portal["plan", "gao"].pk]
            else:
                args = []
            permitted = [
                role
                for role in PREFERRED_ROLES
                if entry.public or role in entry.allowed_in(variant)
            ]
            # A route nobody may use (a step that does not exist) is tried
            # by headquarters.
            role = (permitted or ["hq_officer"])[0]
            if name in ("login", "admin:login"):
                role = "anonymous"
            found.append((role, reverse(name, args=args)))
    return found


def _writes(queries) -> list[str]:
    return [
        query["sql"][:120]
        for query in queries
        if WRITE.match(query["sql"]) and "django_session" not in query["sql"]
    ]


@pytest.fixture(autouse=True)
def quiet_refusals():
    """Refusals are the point here: their log lines are noise."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security.csrf")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_the_walk_reaches_every_app_and_the_sample_of_admin():
    for name in ("login", "set_language", "regions:plan_create", "funding:rate_import"):
        assert name in ROUTES
    assert set(ROUTES) >= POST_ROUTES
    assert set(ADMIN_SAMPLE) <= set(ROUTES)


@pytest.mark.parametrize("name", ROUTES)
def test_a_post_without_the_token_is_refused_and_writes_nothing(portal, name):
    attempts = _attempts(portal, name)
    assert attempts, f"{name} has no line in tests/security/routes.py"

    problems = []
    for role, url in attempts:
        with CaptureQueriesContext(connection) as queries:
            response = portal.request(role, "POST", url, {"confirmed": "yes"}, csrf=False)
        if response.status_code != 403:
            problems.append(f"{role} POST {url}: {response.status_code}, expected 403")
        elif b"CSRF" not in response.body:
            problems.append(f"{role} POST {url}: a 403 that is not the CSRF refusal")
        if _writes(queries):
            problems.append(f"{role} POST {url} wrote: {_writes(queries)}")

    assert not problems, "\n".join(problems)


def test_the_routes_that_take_post_are_the_declared_ones(portal):
    """With the token, a permitted POST is answered (the refusal above came
    from the missing token) and a route that takes no POST says 405."""
    taking_post, refused = set(), []
    for name in ROUTES:
        if name.startswith("admin:"):
            continue
        for role, url in _attempts(portal, name):
            status = portal.request(role, "POST", url).status_code
            if status == 403:
                refused.append(f"{role} POST {url}")
            elif status != 405:
                taking_post.add(name)

    assert refused == []
    assert sorted(taking_post - POST_ROUTES) == [], "POST routes to declare in POST_ROUTES"
    assert sorted(POST_ROUTES - taking_post) == [], "declared POST routes that take no POST"


def test_the_token_of_another_session_is_refused(portal):
    # A token is worth only with the cookie it was made for: an attacker's
    # own token, from their own session, does not pass for the victim's.
    client = portal.client("hq_officer")
    url = reverse("coordination:organisation_create")
    response = client.post(
        url,
        {"name": "Forged", "kind": "ngo", "csrfmiddlewaretoken": "x" * 64},
        headers={"X-CSRFToken": "y" * 32},
    )

    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Forged").exists()


# --- With the token of the form page --------------------------------------------------


class _Forms(HTMLParser):
    """The fields of the page's POST forms: {action: {name: value}} with the
    values the page gives (hidden fields, chosen options, typed text)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append((attrs.get("action") or "", {}))
        if not self.forms:
            return
        fields = self.forms[-1][1]
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "file"):
            fields[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _form(html: str, action: str = "") -> dict:
    parser = _Forms()
    parser.feed(html)
    for found, fields in parser.forms:
        if found == action and "csrfmiddlewaretoken" in fields:
            return fields
    raise AssertionError(f"no POST form with a CSRF token and action {action!r} on the page")


@pytest.fixture
def browser():
    """A client that checks CSRF as a browser's requests are checked."""

    def sign_in(user) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return sign_in


def _submit(client: Client, page: str, values: dict, *, action: str = ""):
    """GET `page`, fill its form with `values`, POST it with the page's token."""
    response = client.get(page)
    assert response.status_code == 200
    fields = {**_form(response.text, action), **values}
    return client.post(action or page, fields)


def test_accounts_password_change_with_the_token_of_its_form(browser, viewer):
    client = browser(viewer)
    new_password = "another-horse-battery-staple"

    response = _submit(
        client,
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )

    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.check_password(new_password)


def test_regions_plan_create_with_the_token_of_its_form(browser, gao_officer):
    response = _submit(
        browser(gao_officer),
        "/plans/new/",
        {
            "region": str(gao_officer.office.regions.get(code="ML-7").pk),
            "title": "Plan de Gao 2027",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
        },
    )

    plan = RegionalPlan.objects.get(title="Plan de Gao 2027")
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()


def test_reviews_submitting_an_update_with_the_token_of_its_page(browser, gao_officer, hq_user):
    update = PlanUpdateFactory(
        plan=PlanFactory(status=RegionalPlan.Status.VALIDATED), created_by=gao_officer
    )
    PriorityProgressFactory(update=update)
    submit = f"/plans/updates/{update.pk}/submit/"

    response = _submit(browser(gao_officer), update.get_absolute_url(), {}, action=submit)

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.SUBMITTED


def test_coordination_organisation_create_with_the_token_of_its_form(browser, hq_user):
    response = _submit(
        browser(hq_user),
        "/coordination/organisations/new/",
        {"name": "Agence de développement", "acronym": "ADR", "kind": "ngo", "country": "ML"},
    )

    organisation = Organisation.objects.get(acronym="ADR")
    assert response.status_code == 302
    assert organisation.name == "Agence de développement"


def test_funding_rate_create_and_its_confirmation_with_the_tokens_of_their_pages(
    browser, fund_manager
):
    client = browser(fund_manager)
    confirmation = _submit(
        client,
        "/funding/rates/new/",
        {"currency": "XOF", "month": "2026-05", "units_per_usd": "601.5"},
    )
    assert confirmation.status_code == 200
    assert not ExchangeRate.objects.exists()
    fields = {**_form(confirmation.text), "confirmed": "yes"}

    response = client.post("/funding/rates/new/", fields)

    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.currency, str(rate.units_per_usd)) == ("XOF", "601.500000")


def test_projects_location_create_with_the_token_of_its_form(browser, gao_officer):
    project = ProjectFactory(created_by=gao_officer)

    response = _submit(
        browser(gao_officer),
        f"/projects/{project.pk}/locations/new/",
        {"place": "Quartier Aljanabandia", "latitude": "16.2717", "longitude": "-0.0447"},
    )

    assert response.status_code == 302
    assert Location.objects.get(project=project).place == "Quartier Aljanabandia"


def test_the_same_form_without_its_token_is_refused(browser, hq_user):
    client = browser(hq_user)
    page = client.get("/coordination/organisations/new/")
    fields = _form(page.text)
    fields.pop("csrfmiddlewaretoken")

    response = client.post(
        "/coordination/organisations/new/", {**fields, "name": "Sans jeton", "kind": "ngo"}
    )

    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Sans jeton").exists()
