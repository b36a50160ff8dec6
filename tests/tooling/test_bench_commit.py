"""The commit each line of docs/bench-runs.md names: "+" marks a run of a
working tree with changes not committed."""

import subprocess

from tooling.management.commands import bench


def _git(folder, *arguments):
    subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True)


def test_a_run_names_its_commit_and_marks_uncommitted_changes(settings, tmp_path):
    _git(tmp_path, "init", "-q")
    (tmp_path / "notes.txt").write_text("one\n")
    _git(tmp_path, "add", "notes.txt")
    _git(
        tmp_path,
        "-c",
        "user.name=Bench",
        "-c",
        "user.email=bench@example.org",
        "commit",
        "-qm",
        "1",
    )
    settings.BASE_DIR = tmp_path
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=tmp_path, capture_output=True, text=True
    ).stdout.strip()

    assert bench.current_commit() == commit
    (tmp_path / "notes.txt").write_text("two\n")
    assert bench.current_commit() == f"{commit}+"


def test_outside_a_checkout_the_commit_is_unknown(settings, tmp_path):
    settings.BASE_DIR = tmp_path

    assert bench.current_commit() == "unknown"
