"""The apps' layers: an app never reaches the model of an app above it
through the app registry (import-linter checks the imports, `make lint`)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LAYERS = list(settings.PORTAL_APPS)


def _get_model_calls(source: str):
    """The app labels named by each `apps.get_model("label", ...)` or
    `get_model("label.Model")` call of `source`."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        first = node.args[0]
        if name == "get_model" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield first.value.split(".")[0], node.lineno


def _reaches_up(app: str) -> list[str]:
    below_or_same = set(LAYERS[: LAYERS.index(app) + 1])
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue  # historical models of migrations name their own app's state
        for label, line in _get_model_calls(path.read_text(encoding="utf-8")):
            if label in LAYERS and label not in below_or_same:
                found.append(f"{path.relative_to(ROOT)}:{line} reaches {label}")
    return found


def test_no_app_reaches_a_higher_app_through_the_registry():
    found = [hit for app in LAYERS for hit in _reaches_up(app)]
    assert found == []


def test_the_check_finds_a_reach_upwards(tmp_path):
    source = 'from django.apps import apps\nProject = apps.get_model("projects", "Project")\n'
    assert list(_get_model_calls(source)) == [("projects", 2)]
    assert list(_get_model_calls('apps.get_model("auth.Group")')) == [("auth", 1)]


def test_the_settings_list_the_apps_in_the_layers_of_the_import_contract():
    contract = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    layers = contract.split('type = "layers"')[1].split("]")[0]
    named = [line.strip().strip('",') for line in layers.splitlines() if '"' in line]
    assert list(reversed(named)) == LAYERS
