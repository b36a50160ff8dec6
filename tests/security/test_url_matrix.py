"""Every named route of the portal (its own, the sign-in and password views,
Django admin's) against every role, by GET and by POST, compared with the
declared table of `tests/security/routes.py`.

Each route is built with real records: where its address names one, once
with a record of Gao (which the Gao office covers) and once with one of Mopti
(which it does not), and for the coordination bodies once with a national
body. A POST carries an empty body and a valid CSRF token (checked, as for a
browser): a permitted one shows the form with its errors or does what it
does and redirects, and every request is rolled back once answered. Every
page and file is also searched for the exact coordinates of a sensitive
location, which only the mission's staff see."""

import logging

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.models import Project
from tests.security import routes
from tests.security.conftest import ROLES, SECRET_MARKS

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST")
ADMIN_ACTIONS = ("changelist", "add", "change", "delete", "simple_history", "history")


def named_routes() -> list[str]:
    """Every route name of the URL configuration, namespaced, walked from
    the root resolver (the first of two routes with one name answers it)."""
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
    return names


ROUTES = named_routes()


def _admin_model_args(name: str) -> list | None:
    """The arguments of a model admin's route: none for its list and its
    form to add, else its first record (and that record's first version)."""
    if name == "admin:auth_user_password_change":
        name = "admin:accounts_user_change"
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        action = name.removeprefix(prefix)
        if not name.startswith(prefix) or action not in ADMIN_ACTIONS:
            continue
        if action in ("changelist", "add"):
            return []
        record = model._default_manager.order_by("pk").first()
        if action == "simple_history":
            return [record.pk, record.history.order_by("history_id").first().history_id]
        return [record.pk]
    return None


def addresses(portal, name: str, entry: routes.Rule) -> list[tuple[str, str]]:
    """(variant, URL) for each record the route is tried with."""
    if entry.target is not None:
        variants = sorted(variant for kind, variant in portal.records if kind == entry.target)
    else:
        variants = [""]
    found = []
    for variant in variants:
        if entry.args is not None:
            args = entry.args(portal, variant)
        elif entry.target is not None:
            args = [getattr(portal[entry.target, variant], entry.key), *entry.extra]
        elif name == "admin:view_on_site":
            project = portal["project", "gao"]
            args = [ContentType.objects.get_for_model(Project).pk, project.pk]
        else:
            args = _admin_model_args(name) or []
        found.append((variant, reverse(name, args=args)))
    return found


def _leaks_coordinates(name: str, role: str, response) -> bool:
    # Files (exports, feeds, attachments) never carry them, whoever asks;
    # pages show them to the mission's staff, and admin to administrators.
    is_page = response.get("Content-Type", "").startswith("text/html")
    if is_page and role in routes.SEE_COORDINATES:
        return False
    if is_page and role == "administrator" and name.startswith("admin:"):
        return False
    text = response.body.decode("utf-8", errors="replace")
    return any(mark in text for mark in SECRET_MARKS)


@pytest.fixture(autouse=True)
def quiet_refusals():
    """Refusals are the point here: the logs of each one are noise."""
    loggers = [logging.getLogger(name) for name in ("django.request", "security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_every_route_of_the_url_configuration_is_declared():
    undeclared = [name for name in ROUTES if not routes.rules_for(name)]

    assert not undeclared, (
        "Routes without a line in tests/security/routes.py (declare who may use them): "
        + ", ".join(undeclared)
    )


def test_every_route_the_table_names_exists():
    stale = sorted(set(routes.declared_names()) - set(ROUTES))

    assert not stale, "The table names routes that no longer exist: " + ", ".join(stale)


def test_the_walk_reaches_admin_and_the_sign_in_views():
    # The walk itself could miss included URL configurations: it must not.
    for name in ("login", "logout", "password_reset_confirm", "admin:index", "set_language"):
        assert name in ROUTES
    assert "admin:regions_regionalplan_change" in ROUTES
    assert len(ROUTES) > 250


def test_the_posts_carry_a_valid_csrf_token_which_is_checked(portal):
    # Without the token a permitted POST is refused: the matrix's POSTs pass
    # Django's CSRF check rather than skip it.
    url = reverse("regions:plan_edit", args=[portal["plan", "gao"].pk])

    assert portal.request("gao_officer", "POST", url, csrf=False).status_code == 403
    assert portal.request("gao_officer", "POST", url).status_code == 200


@pytest.mark.parametrize("name", ROUTES)
def test_route_answers_every_role_as_declared(portal, name):
    entries = routes.rules_for(name)
    assert entries, f"{name} has no line in tests/security/routes.py"

    mismatches = []
    for entry in entries:
        for variant, url in addresses(portal, name, entry):
            for role in ROLES:
                for method in METHODS:
                    response = portal.request(role, method, url)
                    where = f"{role} {method} {url}"
                    problem = entry.expected(role, variant, method).problem(response)
                    if problem:
                        mismatches.append(f"{where}: {problem}")
                    if _leaks_coordinates(name, role, response):
                        mismatches.append(f"{where}: shows a sensitive location's coordinates")

    assert not mismatches, f"{name}:\n" + "\n".join(mismatches)
