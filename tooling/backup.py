"""Backups of the portal (database and uploaded files) and their restore.

An archive is one uncompressed `.tar` file holding:

    manifest.json       when, which portal version, which database engine, the
                        number of rows of every table and the ledger totals of
                        every mechanism, for checking a restore
    database.sqlite3    SQLite: a copy made with SQLite's online backup API
    database.dump       PostgreSQL: `pg_dump --format=custom`
    media.tar.gz        the uploaded files (MEDIA_ROOT)

The copy is consistent while the portal runs: the manifest's figures and the
copy are read in one transaction (SQLite: the backup reads through the same
connection and its read snapshot; PostgreSQL: pg_dump imports the snapshot the
figures were read in). The uploaded files are packed after the database, so
every file the copied rows name is there.

A restore checks the archive before it changes anything (the manifest, the
engine, the copy's integrity, the uploaded files unpacked safely aside), then
replaces the whole database in one step (SQLite: the backup API into the live
database; PostgreSQL: `pg_restore --clean --single-transaction`), so that a
failed restore leaves the database as it was, copies the files over
MEDIA_ROOT and compares the figures with the manifest.
"""

import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from core import cached_figures
from portfolio import ledgers

FORMAT = 1
ARCHIVE_PREFIX = "portal-backup-"
MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CENT = Decimal("0.01")
SQLITE_ATTEMPTS = 5
SQLITE_RETRY_SECONDS = 2

# libpq reads these from the environment; a password never goes on a command
# line, where other users of the machine could read it.
PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class BackupError(Exception):
    """A backup or a restore that cannot be made; the message says why. A
    restore that raises it before replacing the database changed nothing."""


# --- The figures a restore is checked against ----------------------------------------


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the database."""
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            # Table names come from the database itself, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # nosec B608
            counts[table] = cursor.fetchone()[0]
    return counts


def ledger_totals() -> dict[str, dict[str, str]]:
    """Every mechanism's ledger figures (pledged, received, approved,
    transferred, spent), in US dollars, as text (sums of amounts in cents)."""
    return {
        mechanism.code: {
            name: str(Decimal(getattr(mechanism, name)).quantize(CENT)) for name in ledgers.FIGURES
        }
        for mechanism in ledgers.mechanisms().order_by("code")
    }


def figures() -> dict:
    """What a backup records and a restore is checked against."""
    return {"tables": row_counts(), "ledgers": ledger_totals()}


@dataclass
class Comparison:
    """The figures of the restored database next to the manifest's."""

    tables: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    ledgers: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    @property
    def table_differences(self) -> list[tuple[str, int | None, int | None]]:
        return [row for row in self.tables if row[1] != row[2]]

    @property
    def ledger_differences(self) -> list[tuple[str, str, str | None, str | None]]:
        return [row for row in self.ledgers if not _same_amount(row[2], row[3])]

    @property
    def matches(self) -> bool:
        return not self.table_differences and not self.ledger_differences


def _same_amount(expected: str | None, found: str | None) -> bool:
    if expected is None or found is None:
        return expected == found
    return Decimal(expected) == Decimal(found)


def compare(manifest: dict, found: dict) -> Comparison:
    """Row counts and ledger totals of the manifest against `found`; a table
    or a mechanism missing on one side shows as None there."""
    comparison = Comparison()
    expected_tables, found_tables = manifest["tables"], found["tables"]
    for table in sorted(expected_tables.keys() | found_tables.keys()):
        comparison.tables.append((table, expected_tables.get(table), found_tables.get(table)))
    expected_ledgers, found_ledgers = manifest["ledgers"], found["ledgers"]
    for code in sorted(expected_ledgers.keys() | found_ledgers.keys()):
        for name in ledgers.FIGURES:
            comparison.ledgers.append(
                (
                    code,
                    name,
                    expected_ledgers.get(code, {}).get(name),
                    found_ledgers.get(code, {}).get(name),
                )
            )
    return comparison


# --- Backup ------------------------------------------------------------------------------


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _outside_transactions() -> None:
    # A backup reads one snapshot in a transaction of its own; a restore
    # replaces what an open transaction would still be reading.
    if connection.in_atomic_block:
        raise BackupError("Backups and restores cannot run inside a transaction.")


def private_folder(path: Path) -> Path:
    """`path`, created readable by its owner only (0700) if it did not exist.
    An existing folder is left as it is: it may be shared (--output /tmp),
    and every archive is itself readable by its owner only."""
    path = Path(path)
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        path.chmod(0o700)  # mkdir's mode is reduced by the umask, never widened
    elif not path.is_dir():
        raise BackupError(f"{path} is not a folder.")
    return path


def _private_file(path: Path):
    """A new file readable and writable by its owner only (0600)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools "
            "(the version of the server or newer)."
        )
    return found


def pg_command(program: str, config: dict) -> tuple[list[str], dict[str, str]]:
    """The connection arguments and environment of pg_dump or pg_restore for
    the database `config` (a DATABASES entry): the password goes in PGPASSWORD."""
    arguments = [_executable(program), "--no-password"]
    if config.get("HOST"):
        arguments.append(f"--host={config['HOST']}")
    if config.get("PORT"):
        arguments.append(f"--port={config['PORT']}")
    if config.get("USER"):
        arguments.append(f"--username={config['USER']}")
    environment = dict(os.environ)
    environment.pop("PGPASSWORD", None)
    if config.get("PASSWORD"):
        environment["PGPASSWORD"] = str(config["PASSWORD"])
    for option, variable in PG_OPTIONS.items():
        if config.get("OPTIONS", {}).get(option):
            environment[variable] = str(config["OPTIONS"][option])
    return arguments, environment


def _run(arguments: list[str], environment: dict[str, str]) -> None:
    # pg_dump and pg_restore only, with a list of arguments and no shell:
    # nothing in them is interpreted.
    result = subprocess.run(  # nosec B603
        arguments, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        program = Path(arguments[0]).name
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")


def _copy_sqlite(target: Path) -> None:
    # Through the portal's own connection, inside its read transaction: the
    # copy is the snapshot the figures were read from, even in memory.
    _private_file(target).close()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # A copy of a database in WAL mode would need its -wal and -shm files
        # beside it; in the archive it stands alone.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _dump_postgresql(target: Path, snapshot: str) -> None:
    arguments, environment = pg_command("pg_dump", connection.settings_dict)
    arguments += [
        "--format=custom",
        f"--snapshot={snapshot}",
        f"--file={target}",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    _run(arguments, environment)
    target.chmod(0o600)


def _pack_media(target: Path) -> int:
    """MEDIA_ROOT as a tar.gz; returns the number of files."""
    root = Path(settings.MEDIA_ROOT)
    with _private_file(target) as output, tarfile.open(fileobj=output, mode="w:gz") as tar:
        if root.is_dir():
            for child in sorted(root.iterdir()):
                tar.add(child, arcname=child.name)
        return sum(1 for member in tar.getmembers() if member.isfile())


def _sqlite_snapshot(database: Path) -> dict:
    """The figures and the copy read in one read transaction. Not Django's
    `atomic()`: the portal's SQLite transactions take the write lock when they
    begin (`minusma_sr.environment.SQLITE_OPTIONS`), and SQLite will not copy
    a database that its own connection is writing."""
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            found = figures()
            _copy_sqlite(database)
        finally:
            cursor.execute("ROLLBACK")
    return found


def _snapshot(engine: str, database: Path) -> dict:
    """Copy the database into `database` and return its figures, both read in
    one transaction. SQLite refuses a reader while a writer holds the file for
    longer than its timeout: the copy is tried again a few times."""
    attempt = 1
    while True:
        try:
            if engine == "sqlite":
                return _sqlite_snapshot(database)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
                found = figures()
                _dump_postgresql(database, snapshot)
            return found
        except (OperationalError, sqlite3.OperationalError) as error:
            if engine != "sqlite" or "locked" not in str(error):
                raise
            if attempt == SQLITE_ATTEMPTS:
                raise BackupError(
                    f"The database stayed locked by writers through {attempt} attempts: "
                    "try again later."
                ) from error
            database.unlink(missing_ok=True)
            time.sleep(SQLITE_RETRY_SECONDS)
            attempt += 1


def backup(output: Path | None = None) -> tuple[Path, dict]:
    """Write an archive of the database and the uploaded files into `output`
    (BACKUP_DIR by default); returns its path and its manifest."""
    engine = _engine()
    _outside_transactions()
    folder = private_folder(Path(output or settings.BACKUP_DIR))
    now = timezone.localtime()
    archive = folder / f"{ARCHIVE_PREFIX}{now:%Y%m%d-%H%M%S}.tar"
    if archive.exists():
        raise BackupError(f"{archive} already exists.")
    with tempfile.TemporaryDirectory(dir=folder, prefix=".partial-") as work:
        work = Path(work)
        database = work / DATABASE_FILES[engine]
        found = _snapshot(engine, database)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "portal_version": settings.PORTAL_VERSION,
            "engine": engine,
            "database": DATABASE_FILES[engine],
            "media_files": _pack_media(work / MEDIA),
            **found,
        }
        with _private_file(work / MANIFEST) as output_file:
            output_file.write(json.dumps(manifest, indent=2, sort_keys=True).encode())
        # Written under another name and renamed once complete: an archive
        # that exists under its final name is never half-written.
        partial = work / archive.name
        with (
            _private_file(partial) as output_file,
            tarfile.open(fileobj=output_file, mode="w") as tar,
        ):
            for name in (MANIFEST, DATABASE_FILES[engine], MEDIA):
                tar.add(work / name, arcname=name)
        os.replace(partial, archive)
    return archive, manifest


# --- Restore ------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    """The manifest of `archive`, checked to describe a complete archive."""
    try:
        with tarfile.open(archive, mode="r:") as tar:
            names = set(tar.getnames())
            member = tar.extractfile(MANIFEST) if MANIFEST in names else None
            if member is None:
                raise BackupError(f"{archive} has no {MANIFEST}: it is not a portal backup.")
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{archive} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT or manifest.get("engine") not in DATABASE_FILES:
        raise BackupError(f"{archive} was written by an unknown version of the backup.")
    missing = {DATABASE_FILES[manifest["engine"]], MEDIA} - names
    if missing:
        raise BackupError(f"{archive} is incomplete: {', '.join(sorted(missing))} missing.")
    return manifest


def _unpack(archive: Path, name: str, target: Path) -> None:
    with tarfile.open(archive, mode="r:") as tar:
        source = tar.extractfile(name)
        if source is None:
            raise BackupError(f"{name} in {archive} is not a file.")
        with _private_file(target) as output:
            shutil.copyfileobj(source, output)


def _check_sqlite_copy(copy: Path, manifest: dict) -> None:
    """Refuse a damaged copy before it replaces anything."""
    database = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        (verdict,) = database.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"The database in the archive is damaged: {verdict}")
        for table, expected in manifest["tables"].items():
            quoted = '"' + table.replace('"', '""') + '"'
            (count,) = database.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()  # nosec B608
            if count != expected:
                raise BackupError(
                    f"The database in the archive does not match its manifest ({table})."
                )
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The database in the archive cannot be read: {error}") from error
    finally:
        database.close()


def _restore_sqlite(copy: Path) -> None:
    # Page by page into the live database, as one write transaction: other
    # connections (and an in-memory database) see the whole copy or nothing.
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(dump: Path) -> None:
    # No idle connection of ours may hold a lock on what is dropped.
    connection.close()
    arguments, environment = pg_command("pg_restore", connection.settings_dict)
    arguments += [
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={connection.settings_dict['NAME']}",
        str(dump),
    ]
    _run(arguments, environment)


def _stage_media(packed: Path, staged: Path) -> None:
    """Unpack the uploaded files beside the archive's database, so that an
    unreadable or unsafe media archive is refused before anything changes."""
    staged.mkdir(mode=0o700)
    try:
        with tarfile.open(packed, mode="r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", devices and
            # links leading out of the folder.
            tar.extractall(staged, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"The archive's uploaded files cannot be restored: {error}") from error


def _restore_media(staged: Path) -> None:
    """Copy the files over MEDIA_ROOT. Files uploaded since the backup stay,
    unreferenced: nothing is deleted."""
    shutil.copytree(staged, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)


def restore(archive: Path) -> tuple[dict, Comparison]:
    """Replace the database and the uploaded files with those of `archive`;
    returns its manifest and the comparison of the restored figures with it.
    Nothing is changed when the archive is refused."""
    engine = _engine()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    manifest = read_manifest(archive)
    if manifest["engine"] != engine:
        raise BackupError(
            f"This archive holds a {manifest['engine']} database; "
            f"the portal runs on {engine}. Restore it on the same engine."
        )
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        work = Path(work)
        database = work / DATABASE_FILES[engine]
        _unpack(archive, DATABASE_FILES[engine], database)
        _unpack(archive, MEDIA, work / MEDIA)
        _stage_media(work / MEDIA, work / "media")
        if engine == "sqlite":
            _check_sqlite_copy(database, manifest)
        _outside_transactions()
        if engine == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database)
        _restore_media(work / "media")
    cached_figures.changed()  # the whole database was replaced
    return manifest, compare(manifest, figures())
