"""The restore drill: back up a small portal, change and delete data and an
uploaded file, restore, and find every row, every ledger total and the file's
bytes as they were. On SQLite, and on PostgreSQL with pg_dump and pg_restore
when the suite runs there (DATABASE_URL=postgres://...)."""

import datetime
import io
import json
import shutil
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.roles import Role
from funding.models import Deposit, Mechanism, Tranche
from projects.models import Project, ProjectDocument
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    ProjectFactory,
    TrancheFactory,
    UserFactory,
)
from tooling import backup

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"

needs_pg_tools = pytest.mark.skipif(
    connection.vendor == "postgresql"
    and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump and pg_restore are not installed: the PostgreSQL restore drill "
    "needs the PostgreSQL client tools",
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _seed() -> dict:
    """Two projects with money on two mechanisms, a contribution with two
    deposits, and a project document with its file."""
    manager = UserFactory(username="fund_drill", role=Role.FUND_MANAGER)
    tf = Mechanism.objects.get(code="tf")
    contribution = ContributionFactory(
        mechanism=tf, amount=Decimal("500000.00"), recorded_by=manager
    )
    DepositFactory(contribution=contribution, amount=Decimal("200000.00"), recorded_by=manager)
    DepositFactory(contribution=contribution, amount=Decimal("150000.50"), recorded_by=manager)
    tf_project = ProjectFactory(
        code="TF-2024-GAO-001",
        mechanism=tf,
        budget_amount=Decimal("120000.00"),
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 12, 31),
    )
    FundingApprovalFactory(
        project=tf_project, contribution=contribution, amount=Decimal("120000.00")
    )
    TrancheFactory(project=tf_project, amount=Decimal("96000.00"))
    ExpenditureFactory(project=tf_project, amount=Decimal("40123.45"))
    qip_project = ProjectFactory(code="QIP-2024-GAO-001")
    FundingApprovalFactory(project=qip_project, amount=Decimal("40000.00"))
    TrancheFactory(project=qip_project, amount=Decimal("32000.00"))
    document = ProjectDocument.objects.create(
        project=tf_project,
        file=SimpleUploadedFile("rapport.pdf", PDF, content_type="application/pdf"),
        original_name="rapport.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=manager,
    )
    return {"contribution": contribution, "project": tf_project, "document": document}


def _backup(folder: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output=folder, stdout=out)
    (archive,) = folder.glob("portal-backup-*.tar")
    assert str(archive) in out.getvalue()
    return archive


def _restore(archive: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    return out.getvalue()


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_pg_tools
def test_restore_brings_back_every_row_ledger_total_and_uploaded_file(media, tmp_path):
    seeded = _seed()
    document_path = Path(seeded["document"].file.path)
    before = backup.figures()
    assert before["ledgers"]["tf"]["received"] == "350000.50"
    assert before["tables"]["projects_projectdocument"] == 1

    archive = _backup(tmp_path / "backups")

    manifest = _manifest(archive)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"] == before["tables"]
    assert manifest["ledgers"] == before["ledgers"]
    assert manifest["media_files"] == 1
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
    assert archive.stat().st_mode & 0o777 == 0o600

    # A bad day: money recorded, changed and deleted, a project renamed, a
    # document and its file deleted.
    DepositFactory(contribution=seeded["contribution"], amount=Decimal("99.99"))
    Tranche.objects.filter(project=seeded["project"]).delete()
    Project.objects.filter(pk=seeded["project"].pk).update(title="Renamed by mistake")
    seeded["document"].delete()
    document_path.unlink()
    changed = backup.figures()
    assert changed["ledgers"] != before["ledgers"]
    assert changed["tables"] != before["tables"]

    output = _restore(archive)

    after = backup.figures()
    assert after["tables"] == before["tables"]
    assert after["ledgers"] == before["ledgers"]
    assert document_path.read_bytes() == PDF
    restored = ProjectDocument.objects.get()
    assert Path(restored.file.path) == document_path
    assert Project.objects.get(pk=seeded["project"].pk).title == seeded["project"].title
    assert Deposit.objects.count() == 2
    assert "match the archive" in output
    assert "tf received" in output and "350000.50" in output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_pg_tools
def test_restore_fails_when_the_restored_figures_differ_from_the_manifest(media, tmp_path):
    _seed()
    archive = _backup(tmp_path / "backups")
    # An archive whose manifest claims another ledger total than its database.
    tampered = tmp_path / "tampered.tar"
    manifest = _manifest(archive)
    manifest["ledgers"]["tf"]["received"] = "350000.51"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    out = io.StringIO()

    with pytest.raises(CommandError, match="differs from the archive"):
        call_command("restore", str(tampered), yes=True, stdout=out)

    assert "350000.51" in out.getvalue()
    assert "≠" in out.getvalue()


def _handmade_archive(
    path: Path, *, engine: str, database: bytes = b"", media_files: dict | None = None
) -> Path:
    """An archive with the right members and the given engine, database bytes
    and uploaded files (name: bytes)."""
    media = io.BytesIO()
    with tarfile.open(fileobj=media, mode="w:gz") as packed:
        for name, data in (media_files or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            packed.addfile(info, io.BytesIO(data))
    manifest = {
        "format": backup.FORMAT,
        "created_at": "2026-01-01T02:00:00+00:00",
        "portal_version": "0.1.0",
        "engine": engine,
        "database": backup.DATABASE_FILES[engine],
        "media_files": 0,
        "tables": {},
        "ledgers": {},
    }
    members = {
        "manifest.json": json.dumps(manifest).encode(),
        backup.DATABASE_FILES[engine]: database,
        "media.tar.gz": media.getvalue(),
    }
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_restore_refuses_to_run_with_debug_off_without_yes(tmp_path):
    archive = _handmade_archive(tmp_path / "a.tar", engine="sqlite")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_restore_refuses_an_archive_of_another_database_engine(media, tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    archive = _handmade_archive(tmp_path / "a.tar", engine=other, database=b"x")
    projects = ProjectFactory.create_batch(2)

    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert set(Project.objects.values_list("pk", "title")) == {
        (project.pk, project.title) for project in projects
    }


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="an SQLite archive")
def test_restore_refuses_a_damaged_database_copy_and_changes_nothing(media, tmp_path):
    archive = _handmade_archive(
        tmp_path / "a.tar", engine="sqlite", database=b"not a database at all" * 500
    )
    projects = ProjectFactory.create_batch(2)

    with pytest.raises(CommandError, match="cannot be read|damaged"):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert set(Project.objects.values_list("pk", "title")) == {
        (project.pk, project.title) for project in projects
    }


@pytest.mark.django_db
def test_restore_refuses_uploaded_files_leading_out_of_the_media_folder(media, tmp_path):
    archive = _handmade_archive(
        tmp_path / "a.tar",
        engine=connection.vendor,
        database=b"x",
        media_files={"attachments/ok.pdf": PDF, "../../escaped.txt": b"outside"},
    )
    projects = ProjectFactory.create_batch(2)

    with pytest.raises(CommandError, match="uploaded files cannot be restored"):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert not list(tmp_path.rglob("escaped.txt"))
    assert not (media / "attachments" / "ok.pdf").exists()
    assert set(Project.objects.values_list("pk", "title")) == {
        (project.pk, project.title) for project in projects
    }


def test_restore_refuses_a_file_that_is_not_a_portal_backup(tmp_path):
    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as tar:
        info = tarfile.TarInfo("notes.txt")
        tar.addfile(info, io.BytesIO(b""))

    with pytest.raises(CommandError, match="not a portal backup"):
        call_command("restore", str(not_a_backup), yes=True)


def test_postgresql_password_goes_in_the_environment_never_on_the_command_line(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    config = {
        "NAME": "portal",
        "HOST": "db.example.org",
        "PORT": "5432",
        "USER": "portal",
        "PASSWORD": "s3cret-Pa55",
        "OPTIONS": {"sslmode": "require"},
    }

    arguments, environment = backup.pg_command("pg_dump", config)

    assert not any("s3cret-Pa55" in argument for argument in arguments)
    assert arguments[:2] == ["/usr/bin/pg_dump", "--no-password"]
    assert "--host=db.example.org" in arguments and "--username=portal" in arguments
    assert environment["PGPASSWORD"] == "s3cret-Pa55"
    assert environment["PGSSLMODE"] == "require"


def test_a_backup_folder_is_created_readable_by_its_owner_only(tmp_path):
    folder = backup.private_folder(tmp_path / "new" / "backups")

    assert folder.is_dir()
    assert folder.stat().st_mode & 0o777 == 0o700
