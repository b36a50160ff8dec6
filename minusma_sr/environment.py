"""Reading the environment into settings, refusing anything malformed.

django-environ does the parsing; these helpers add the checks it leaves out so
that a typo in production never falls back silently to a default.
"""

import importlib.util
import json
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_DATABASES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgres",
}


def database_config(url: str, *, conn_max_age: int = 0) -> dict:
    """Turn DATABASE_URL into a DATABASES entry (SQLite or PostgreSQL only)."""
    if "://" not in url:
        # Not quoted: without "//" a password cannot be told from the rest.
        raise ImproperlyConfigured(
            "DATABASE_URL is malformed: expected "
            "sqlite:///path/to/file.sqlite3 or postgres://user:password@host:port/name"
        )
    try:
        config = environ.Env.db_url_config(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    engine = config.get("ENGINE")
    if engine not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses an unsupported scheme ({urlsplit(url).scheme!r}): "
            "use sqlite:/// or postgres://"
        )
    if not config.get("NAME") or config["NAME"] == ":memory:":
        # An in-memory SQLite database would vanish with the process.
        raise ImproperlyConfigured("DATABASE_URL names no database (or SQLite file)")
    if engine == "django.db.backends.postgresql":
        # Persistent connections with a health check before each reuse.
        config["CONN_MAX_AGE"] = conn_max_age
        config["CONN_HEALTH_CHECKS"] = True
    else:
        config["OPTIONS"] = {**config.get("OPTIONS", {}), **SQLITE_OPTIONS}
    return config


# Several requests writing at once on SQLite: a transaction takes the write
# lock when it begins (IMMEDIATE), so that `select_for_update` sections are
# serialised and a second writer waits for the first instead of failing when
# it upgrades a read lock; it waits up to SQLITE_BUSY_SECONDS (then the
# portal answers 503, "try again": core.middleware). Write-ahead logging lets
# readers go on while one request writes.
SQLITE_BUSY_SECONDS = 20
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_SECONDS,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def redis_url(url: str) -> str:
    if url and urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"REDIS_URL is malformed ({_redact(url)!r}): expected redis://host:port/db"
        )
    return url


def storage_backend(backend: str, options: str) -> dict:
    """The STORAGES entry for uploaded files: a storage class by its dotted
    path (DJANGO_DEFAULT_STORAGE) and its options as a JSON object
    (DJANGO_DEFAULT_STORAGE_OPTIONS), checked now rather than at the first upload."""
    module = backend.rpartition(".")[0]
    if not module or not all(part.isidentifier() for part in backend.split(".")):
        raise ImproperlyConfigured(
            f"DJANGO_DEFAULT_STORAGE must be a dotted class path, not {backend!r}"
        )
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ImproperlyConfigured(
            f"DJANGO_DEFAULT_STORAGE names a module that is not installed ({module!r})"
        )
    try:
        parsed = json.loads(options) if options.strip() else {}
    except json.JSONDecodeError as exc:
        # Where, never what: the options may hold a secret.
        raise ImproperlyConfigured(
            f"DJANGO_DEFAULT_STORAGE_OPTIONS is not valid JSON "
            f"({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(
            'DJANGO_DEFAULT_STORAGE_OPTIONS must be a JSON object, e.g. {"bucket_name": "uploads"}'
        )
    return {"BACKEND": backend, "OPTIONS": parsed}


def secret_key(value: str, *, debug: bool) -> str:
    if value:
        if not debug and len(value) < 32:
            raise ImproperlyConfigured("DJANGO_SECRET_KEY is too short: use 50 random characters")
        return value
    if debug:
        # Development only: a fixed, obviously insecure key.
        return "django-insecure-development-key-never-use-in-production"
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")


def allowed_hosts(hosts: list[str], *, debug: bool) -> list[str]:
    if "*" in hosts:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list host names, not '*'")
    if hosts:
        return hosts
    if debug:
        return ["127.0.0.1", "localhost", "[::1]"]
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off (comma-separated host names)"
    )


def read_bool(env: environ.Env, name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def read_int(
    env: environ.Env, name: str, default: int, *, minimum: int = 0, maximum: int | None = None
) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def read_int_list(env: environ.Env, name: str, default: list[int]) -> list[int]:
    """Comma-separated whole numbers of at least 1, largest first, each once."""
    raw = env.str(name, default="")
    if raw.strip() == "":
        return sorted(set(default), reverse=True)
    values = set()
    for part in raw.split(","):
        try:
            value = int(part)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be whole numbers separated by commas, not {raw!r}"
            ) from None
        if value < 1:
            raise ImproperlyConfigured(f"{name} must hold numbers of at least 1, not {value}")
        values.add(value)
    return sorted(values, reverse=True)


def _redact(url: str) -> str:
    """Hide a password that may be inside a URL before quoting it in a message."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(parts.password, "***")
    return url
