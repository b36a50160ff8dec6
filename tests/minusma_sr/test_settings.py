"""Settings parsing: good values are read, bad ones stop start-up with one
readable line naming the variable to fix."""

import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from minusma_sr import environment

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "p" * 25 + "r" * 25  # 50 characters

# Every variable the settings module reads: a subprocess gets only what a test sets.
SETTINGS_VARIABLES = [
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_HTTPS",
    "DJANGO_STATIC_ROOT",
    "DJANGO_MEDIA_ROOT",
    "DJANGO_LOG_LEVEL",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REDIS_URL",
    "SESSION_IDLE_MINUTES",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_COOLOFF_MINUTES",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
]


# --- database_config -----------------------------------------------------------------


def test_sqlite_url_gives_the_sqlite_engine_and_file():
    config = environment.database_config("sqlite:////srv/portal/db.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/srv/portal/db.sqlite3"


def test_postgres_url_gives_persistent_health_checked_connections():
    config = environment.database_config(
        "postgres://portal:s3cret@db.internal:5432/portal", conn_max_age=60
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "portal"
    assert config["USER"] == "portal"
    assert config["PASSWORD"] == "s3cret"
    assert config["HOST"] == "db.internal"
    assert config["PORT"] == 5432
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    "url",
    [
        "notaurl",
        "",
        "mysql://u@h/db",
        "postgres://",
        "postgres://portal@db.internal",
    ],
)
def test_malformed_database_url_is_refused_naming_database_url(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        environment.database_config(url)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://portal:s3cret@db.internal/portal",
        "postgres://portal:s3cret@db.internal",
    ],
)
def test_malformed_database_url_message_does_not_echo_the_password(url):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        environment.database_config(url)

    assert "DATABASE_URL" in str(excinfo.value)
    assert "s3cret" not in str(excinfo.value)


@pytest.mark.parametrize("url", ["postgres:/portal:s3cret@db.internal/portal"])
def test_database_url_missing_its_slashes_does_not_echo_the_password(url):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        environment.database_config(url)

    assert "s3cret" not in str(excinfo.value)


def test_database_url_with_a_non_numeric_port_is_refused_naming_database_url():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        environment.database_config("postgres://portal:s3cret@db.internal:notaport/portal")


# --- redis_url ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["", "redis://127.0.0.1:6379/1", "rediss://cache.internal:6380/0"])
def test_empty_or_redis_url_is_accepted_as_is(url):
    assert environment.redis_url(url) == url


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        environment.database_config(url)


def test_non_redis_url_is_refused_naming_redis_url():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        environment.redis_url("http://x")


def test_refused_redis_url_does_not_echo_the_password():
    with pytest.raises(ImproperlyConfigured) as excinfo:
        environment.redis_url("http://default:s3cret@cache.internal:6379/0")

    assert "s3cret" not in str(excinfo.value)


# --- secret_key ------------------------------------------------------------------------


def test_missing_secret_key_in_production_is_refused_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        environment.secret_key("", debug=False)


def test_short_secret_key_in_production_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        environment.secret_key("too-short-0123456789", debug=False)


def test_long_secret_key_in_production_is_kept():
    assert environment.secret_key(PRODUCTION_SECRET, debug=False) == PRODUCTION_SECRET


def test_missing_secret_key_in_development_gives_an_insecure_development_key():
    key = environment.secret_key("", debug=True)

    assert key
    assert "insecure" in key


# --- allowed_hosts ---------------------------------------------------------------------


@pytest.mark.parametrize("debug", [True, False])
def test_wildcard_allowed_host_is_refused(debug):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS"):
        environment.allowed_hosts(["portal.example.org", "*"], debug=debug)


def test_empty_allowed_hosts_in_production_is_refused_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS"):
        environment.allowed_hosts([], debug=False)


def test_empty_allowed_hosts_in_development_gives_localhost():
    hosts = environment.allowed_hosts([], debug=True)

    assert "localhost" in hosts
    assert "127.0.0.1" in hosts


def test_listed_allowed_hosts_are_kept():
    assert environment.allowed_hosts(["portal.example.org"], debug=False) == ["portal.example.org"]


# --- read_bool / read_int ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("True", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("FALSE", False),
        ("no", False),
        ("off", False),
    ],
)
def test_read_bool_understands_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("PORTAL_TEST_FLAG", raw)

    assert environment.read_bool(environ.Env(), "PORTAL_TEST_FLAG", default=not expected) is (
        expected
    )


@pytest.mark.parametrize("default", [True, False])
def test_read_bool_unset_or_empty_gives_the_default(monkeypatch, default):
    monkeypatch.delenv("PORTAL_TEST_FLAG", raising=False)
    assert environment.read_bool(environ.Env(), "PORTAL_TEST_FLAG", default=default) is default

    monkeypatch.setenv("PORTAL_TEST_FLAG", "")
    assert environment.read_bool(environ.Env(), "PORTAL_TEST_FLAG", default=default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "yes please"])
def test_read_bool_refuses_garbage_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_TEST_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_FLAG"):
        environment.read_bool(environ.Env(), "PORTAL_TEST_FLAG", default=False)


def test_read_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_NUMBER", "45")

    assert environment.read_int(environ.Env(), "PORTAL_TEST_NUMBER", default=30) == 45


def test_read_int_unset_or_empty_gives_the_default(monkeypatch):
    monkeypatch.delenv("PORTAL_TEST_NUMBER", raising=False)
    assert environment.read_int(environ.Env(), "PORTAL_TEST_NUMBER", default=30) == 30

    monkeypatch.setenv("PORTAL_TEST_NUMBER", "")
    assert environment.read_int(environ.Env(), "PORTAL_TEST_NUMBER", default=30) == 30


@pytest.mark.parametrize("raw", ["thirty", "1.5", "10m"])
def test_read_int_refuses_garbage_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_TEST_NUMBER", raw)

    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_NUMBER"):
        environment.read_int(environ.Env(), "PORTAL_TEST_NUMBER", default=30)


def test_read_int_refuses_a_number_below_the_minimum_naming_the_variable(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_NUMBER", "0")

    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_NUMBER"):
        environment.read_int(environ.Env(), "PORTAL_TEST_NUMBER", default=30, minimum=1)


# --- The settings the tests run with -----------------------------------------------------


def test_loaded_settings_have_the_production_protections():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    security = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    assert settings.MIDDLEWARE[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.LANGUAGE_CODE == "fr"


# --- End to end: the real settings module in a clean environment --------------------------


def _environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """os.environ without the portal's variables, plus `variables`.

    Every variable the failing cases depend on is set explicitly (empty counts as
    unset for the settings), so neither the outer environment nor a local `.env`
    file can supply it.
    """
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="minusma_sr.settings",
        PYTHONPATH=str(PROJECT_ROOT),
        PYTHONDONTWRITEBYTECODE="1",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="",
    )
    env.update(variables)
    return env


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def _manage_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run([sys.executable, "manage.py", "check"], env)


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        pytest.param({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY", id="no-secret-key"),
        pytest.param({"DATABASE_URL": "nonsense"}, "DATABASE_URL", id="bad-database-url"),
        pytest.param({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG", id="bad-debug-flag"),
    ],
)
def test_configuration_mistake_stops_startup_with_one_line_naming_the_variable(
    tmp_path, variables, named
):
    result = _manage_check(_environment(tmp_path, **variables))

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("Configuration error:")
    assert named in last_line


def test_complete_production_environment_passes_the_system_checks(tmp_path):
    env = _environment(tmp_path)
    env.pop("DJANGO_HTTPS", None)

    result = _manage_check(env)

    assert result.returncode == 0, result.stderr


def test_production_environment_turns_the_https_protections_on(tmp_path):
    env = _environment(tmp_path)  # DJANGO_HTTPS unset: defaults to on when DEBUG is off

    result = _run(
        [
            sys.executable,
            "-c",
            "import django, os; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS > 0)",
        ],
        env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True True"


CACHE_PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND']); print(s.SESSION_ENGINE)"
)


@pytest.mark.parametrize(
    ("redis", "cache_backend", "session_engine"),
    [
        pytest.param(
            "redis://127.0.0.1:6379/1",
            "core.cache.SharedPoolRedisCache",
            "django.contrib.sessions.backends.cache",
            id="with-redis",
        ),
        pytest.param(
            "",
            "django.core.cache.backends.db.DatabaseCache",
            "django.contrib.sessions.backends.db",
            id="without-redis",
        ),
    ],
)
def test_cache_and_sessions_live_in_redis_when_configured_else_in_the_database(
    tmp_path, redis, cache_backend, session_engine
):
    result = _run([sys.executable, "-c", CACHE_PROBE], _environment(tmp_path, REDIS_URL=redis))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [cache_backend, session_engine]
