"""Several application processes behind a load balancer serve one person
between them: the sign-in, the lockout and the uploaded files that one process
records are what the others see.

The main test starts two gunicorn servers with the production settings on
their own ports, sharing one PostgreSQL database made for the test, one Redis
database and one folder of uploaded files, and drives them with a plain HTTP
client, as browsers do through a load balancer. It needs PostgreSQL and Redis,
so it runs in the suite's PostgreSQL pass only (the database server is the
suite's) and is skipped elsewhere with the reason.

The other tests check the settings a deployment on several machines relies on.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from minusma_sr import environment
from tests.conftest import PASSWORD

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
# A Redis database of this test's own: it is emptied before and after.
REDIS_URL = os.environ.get("TWO_PROCESSES_REDIS_URL", "redis://127.0.0.1:6379/7")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
STARTUP_SECONDS = 60
FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"

# Variables the test run may carry that must not reach the servers.
_INHERITED = ("DJANGO_", "DATABASE_", "REDIS_URL", "SESSION_", "LOGIN_", "UPLOAD_", "EMAIL_")


def _clean_environment(**variables: str) -> dict[str, str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith(_INHERITED)}
    clean.update(
        DJANGO_SETTINGS_MODULE="minusma_sr.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="false",
        # Start-up refuses the example publisher identifier with DEBUG off.
        IATI_ORGANISATION_ID="XM-DAC-TEST-SR",
        PYTHONDONTWRITEBYTECODE="1",
    )
    clean.update(variables)
    return clean


def _run(arguments: list[str], variables: dict[str, str], timeout: float = 120):
    return subprocess.run(
        arguments,
        cwd=BASE_DIR,
        env=variables,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- An HTTP client that behaves like a browser ------------------------------------------


class _KeepRedirects(HTTPRedirectHandler):
    """Show each redirect instead of following it: the test asserts on them."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """One person's browser. Its cookies belong to the host, not the port, so
    they reach both processes, as they reach every machine behind a balancer."""

    def __init__(self):
        self.cookies = CookieJar()
        self._opener = build_opener(HTTPCookieProcessor(self.cookies), _KeepRedirects)

    def request(self, url: str, data: bytes | None = None, headers=None) -> Response:
        request = Request(url, data=data, headers={"Accept-Language": "en", **(headers or {})})
        try:
            with self._opener.open(request, timeout=30) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except HTTPError as error:
            with error:
                return Response(error.code, dict(error.headers), error.read())

    def get(self, url: str) -> Response:
        return self.request(url)

    def csrf_token(self, url: str) -> str:
        """Open a form page and return the token its form carries."""
        page = self.get(url)
        assert page.status == 200, (url, page.status)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, f"no CSRF token in {url}"
        return match.group(1)

    def post(self, url: str, fields: dict[str, str]) -> Response:
        return self.request(
            url,
            urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def post_file(self, url: str, fields: dict[str, str], name: str, filename: str, content):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            url, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def sign_in(self, base_url: str, username: str, password: str = PASSWORD) -> Response:
        token = self.csrf_token(f"{base_url}/accounts/login/")
        return self.post(
            f"{base_url}/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )


# --- The shared services and the two processes ----------------------------------------------


def _admin_connection():
    """A connection to the suite's PostgreSQL server, to create and drop the
    test's database; skips the test when the server does not answer."""
    import psycopg

    database = settings.DATABASES["default"]
    try:
        return psycopg.connect(
            host=database.get("HOST") or "127.0.0.1",
            port=database.get("PORT") or 5432,
            user=database.get("USER") or "postgres",
            password=database.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable ({error}): the processes need a shared database")


def _redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}): sessions need it")
    return client


def _database_url(name: str) -> str:
    database = settings.DATABASES["default"]
    credentials = database.get("USER") or "postgres"
    if database.get("PASSWORD"):
        credentials += f":{database['PASSWORD']}"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{name}"


@pytest.fixture
def redis_client():
    client = _redis_client()
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def shared_environment(tmp_path, redis_client):
    """The production settings of both processes: one new database, one Redis
    database, one folder of uploaded files. The database is dropped after."""
    name = f"two_processes_check_{os.getpid()}"
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    (tmp_path / "media").mkdir()
    variables = _clean_environment(
        DATABASE_URL=_database_url(name),
        REDIS_URL=REDIS_URL,
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    yield variables
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn process (one worker) on a port of its own."""

    def __init__(self, variables: dict[str, str], log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [GUNICORN, "minusma_sr.wsgi", "--bind", f"127.0.0.1:{self.port}"]
                + ["--workers", "1", "--timeout", "30", "--graceful-timeout", "2"],
                cwd=BASE_DIR,
                env=variables,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_until_healthy(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped at start-up:\n{self.log.read_text()}")
            try:
                if Browser().get(f"{self.url}/healthz").status == 200:
                    return
            except (URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        pytest.fail(f"{self.url}/healthz did not answer 200 in time:\n{self.log.read_text()}")

    def stop(self) -> None:
        """Ask for a quick shutdown (no request is left to finish)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def wait(self) -> None:
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


SETUP = """
from accounts.roles import Role
from regions.models import Office
from tests.factories import ProjectFactory, UserFactory

officer = UserFactory(
    username="gao_officer", first_name="Aminata", last_name="Maïga",
    role=Role.REGIONAL_OFFICER, office=Office.objects.get(name="Gao"),
)
UserFactory(username="locked_out", role=Role.VIEWER)
print("PROJECT", ProjectFactory(created_by=officer).pk)
"""


@pytest.fixture
def servers(shared_environment, tmp_path):
    """Migrate the new database, then start two processes on it; the people
    and the Gao project are created while they start."""
    collect = subprocess.Popen(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=shared_environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    migrate = _run([PYTHON, "manage.py", "migrate", "--noinput"], shared_environment)
    assert migrate.returncode == 0, migrate.stderr
    assert collect.wait(timeout=120) == 0, collect.stderr.read()
    collect.stderr.close()

    started = [Server(shared_environment, tmp_path / f"gunicorn-{n}.log") for n in "ab"]
    try:
        setup = _run([PYTHON, "manage.py", "shell", "-c", SETUP], shared_environment)
        assert setup.returncode == 0, setup.stderr
        project_pk = int(re.search(r"^PROJECT (\d+)$", setup.stdout, re.MULTILINE).group(1))
        deadline = time.monotonic() + STARTUP_SECONDS
        for server in started:
            server.wait_until_healthy(deadline)
        yield (*started, project_pk)
    finally:
        for server in started:
            server.stop()
        for server in started:
            server.wait()


# --- Two processes, one portal --------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="starts two gunicorn processes on a PostgreSQL database of its own and Redis; "
    "runs in the PostgreSQL pass: DATABASE_URL=postgres://... pytest tests/deployment",
)
def test_what_one_process_records_is_what_the_other_serves(servers, redis_client, tmp_path):
    first, second, project_pk = servers

    # Signed in through the first process, working through the second.
    person = Browser()
    signed_in = person.sign_in(first.url, "gao_officer")
    assert signed_in.status == 302, signed_in.text
    assert signed_in.headers["Location"] == "/"
    assert Browser().get(f"{second.url}/").status == 302  # the page needs a sign-in
    dashboard = person.get(f"{second.url}/")
    assert dashboard.status == 200
    assert "Aminata Maïga" in dashboard.text
    # The session is in the shared Redis, not in the first process.
    assert list(redis_client.scan_iter(match="*django.contrib.sessions.cache*"))

    # A document uploaded through the second process is served by the first.
    upload_form = f"{second.url}/projects/{project_pk}/documents/new/"
    uploaded = person.post_file(
        upload_form,
        {"csrfmiddlewaretoken": person.csrf_token(upload_form), "title": "Convention signée"},
        "file",
        "convention.pdf",
        PDF,
    )
    assert uploaded.status == 302, uploaded.text
    project_page = person.get(f"{first.url}/projects/{project_pk}/")
    assert project_page.status == 200
    links = re.findall(r'href="/projects/documents/(\d+)/"', project_page.text)
    assert len(links) == 1, "the project page lists the document once"
    download = person.get(f"{first.url}/projects/documents/{links[0]}/")
    assert download.status == 200
    assert download.body == PDF
    assert len(list((tmp_path / "media").rglob("*.pdf"))) == 1

    # Five failed sign-ins through the first process lock the user name on the second.
    intruder = Browser()
    token = intruder.csrf_token(f"{first.url}/accounts/login/")
    attempts = [
        intruder.post(
            f"{first.url}/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": "locked_out", "password": "wrong"},
        ).status
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert attempts[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # refused, counted
    refused = Browser().sign_in(second.url, "locked_out")
    assert refused.status == 429
    assert "Too many failed sign-in attempts" in refused.text


# --- Settings for several machines ---------------------------------------------------------

PROBE = (
    "import json, django; django.setup(); "
    "from django.conf import settings as s; "
    "from django.core.files.storage import storages; d = storages['default']; "
    "print(json.dumps([s.SECURE_PROXY_SSL_HEADER, s.STORAGES['default'], type(d).__name__, "
    "str(d.location), s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'], s.AXES_HANDLER]))"
)


def test_single_machine_defaults_trust_no_proxy_and_keep_uploads_in_media_root(tmp_path):
    variables = _clean_environment(DJANGO_MEDIA_ROOT=str(tmp_path / "media"))

    result = _run([PYTHON, "-c", PROBE], variables)

    assert result.returncode == 0, result.stderr
    proxy, storage, storage_class, location, no_cursors, axes = json.loads(result.stdout)
    assert proxy is None
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {}}
    assert (storage_class, location) == ("FileSystemStorage", str(tmp_path / "media"))
    assert no_cursors is False
    assert axes == "axes.handlers.database.AxesDatabaseHandler"


def test_load_balancer_and_shared_storage_come_from_the_environment(tmp_path):
    shared = tmp_path / "shared-uploads"
    variables = _clean_environment(
        DJANGO_TRUST_X_FORWARDED_PROTO="true",
        DJANGO_DEFAULT_STORAGE=FILE_SYSTEM,
        DJANGO_DEFAULT_STORAGE_OPTIONS=json.dumps({"location": str(shared)}),
        DATABASE_DISABLE_SERVER_SIDE_CURSORS="true",
    )

    result = _run([PYTHON, "-c", PROBE], variables)

    assert result.returncode == 0, result.stderr
    proxy, storage, storage_class, location, no_cursors, _ = json.loads(result.stdout)
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert storage["OPTIONS"] == {"location": str(shared)}
    assert (storage_class, location) == ("FileSystemStorage", str(shared))
    assert no_cursors is True


@pytest.mark.django_db
def test_health_check_over_plain_http_is_answered_where_pages_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    health = client.get("/healthz")
    page = client.get("/accounts/login/")

    assert (health.status_code, health.content) == (200, b"ok")
    assert page.status_code == 301
    assert page["Location"] == "https://testserver/accounts/login/"


@pytest.mark.django_db
@pytest.mark.parametrize(("trusted", "status"), [(True, 200), (False, 301)])
def test_forwarded_https_is_believed_only_when_trusted(client, settings, trusted, status):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if trusted else None

    response = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == status


@pytest.mark.parametrize(
    ("backend", "options", "message"),
    [
        (FILE_SYSTEM, '{"secret_key": s3cr3t}', "DJANGO_DEFAULT_STORAGE_OPTIONS is not valid JSON"),
        (FILE_SYSTEM, '["uploads"]', "DJANGO_DEFAULT_STORAGE_OPTIONS must be a JSON object"),
        ("S3Storage", "", "DJANGO_DEFAULT_STORAGE must be a dotted class path"),
        (
            "portal_missing_storages.backends.s3.S3Storage",
            "",
            "DJANGO_DEFAULT_STORAGE names a module that is not installed",
        ),
    ],
)
def test_malformed_storage_setting_is_refused_naming_it(backend, options, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)) as refusal:
        environment.storage_backend(backend, options)

    assert "s3cr3t" not in str(refusal.value)


def test_malformed_storage_setting_stops_start_up_in_one_line():
    start_up = "from minusma_sr.startup import exit_on_configuration_error as e; e()"
    variables = _clean_environment(DJANGO_DEFAULT_STORAGE_OPTIONS="{bucket_name: uploads}")

    result = _run([PYTHON, "-c", start_up], variables)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Configuration error: DJANGO_DEFAULT_STORAGE_OPTIONS is not valid JSON "
        "(Expecting property name enclosed in double quotes at line 1, column 2)"
    ]
