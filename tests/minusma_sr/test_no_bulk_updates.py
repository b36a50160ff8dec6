"""The portal's code changes audited records one by one, so that history
records each change and who made it.

`QuerySet.update()`, `bulk_update()`, `bulk_create()` and `QuerySet.delete()`
write to the database without saving each row: history records nothing. This
test reads the portal's source (not tests, not migrations) with `ast` and fails
on such a call made on an audited model's rows: a call chain that starts from
`<AuditedModel>.objects` (or another of its managers, its history included),
or that goes through a related manager whose rows are audited
(`project.locations.filter(...).delete()`). It is a heuristic: a queryset
passed around under another name escapes it.

A justified exception goes in ALLOWED with its reason.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from portfolio import audit

ROOT = Path(settings.BASE_DIR)

BULK_METHODS = {"update", "bulk_update", "bulk_create", "delete"}

# Calls on a queryset that give one row (an instance): its `.delete()` and
# `.save()` are recorded by history.
ONE_ROW = {"get", "first", "last", "latest", "earliest", "create", "get_or_create"}

# (file, function, or "*" for the whole file) -> why bulk writes there may skip history.
ALLOWED = {
    ("accounts/views.py", "set_language"): (
        "Writes only the user's display language, a personal setting that the "
        "history of users leaves out (accounts.models.UNTRACKED_USER_FIELDS)."
    ),
    ("tooling/scale.py", "*"): (
        "`seed_scale` writes a synthetic data set for measuring the portal at "
        "scale, in batches and without history on purpose; it is never run on "
        "the mission's records."
    ),
}


def _audited_names() -> tuple[set[str], set[str], set[str]]:
    """The audited models' class names, the names of their managers, and the
    names of the related managers (on any model) whose rows are audited."""
    audited = set(audit.audited_models().values())
    classes = {model.__name__ for model in audited}
    managers = {"_default_manager", "_base_manager"}
    for model in audited:
        managers.update(manager.name for manager in model._meta.managers)
        managers.add(model._meta.simple_history_manager_attribute)
    related = set()
    for model in apps.get_models():
        for relation in model._meta.get_fields():
            if not relation.is_relation or relation.related_model not in audited:
                continue
            if relation.auto_created and not relation.concrete:
                related.add(relation.get_accessor_name())  # reverse: project.locations
            elif relation.many_to_many:
                related.add(relation.name)  # forward many-to-many: meeting.attendees
    return classes, managers, related


def _chain(node: ast.expr) -> list[tuple[str, str]]:
    """What `node` is made of, from its root outwards: ("name", x) for the
    root, ("attr", x) for `.x`, ("call", x) for `.x(...)`."""
    steps = []
    while True:
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                steps.append(("call", node.func.attr))
                node = node.func.value
            else:
                node = node.func
        elif isinstance(node, ast.Attribute):
            steps.append(("attr", node.attr))
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            steps.append(("name", node.id))
            break
        else:
            break
    steps.reverse()
    return steps


def _is_audited_rows(chain, classes, managers, related) -> bool:
    """Whether the chain ends on several rows of an audited model."""
    rows = False
    for index, (kind, name) in enumerate(chain):
        before = chain[index - 1] if index else ("", "")
        if kind == "attr" and name in managers and before[0] == "name":
            rows = before[1] in classes  # Project.objects, Project.history
        elif kind == "attr" and name in related and index:
            rows = True  # project.locations
        elif kind == "call" and name in ONE_ROW:
            rows = False  # Project.objects.get(...): one row, saved or deleted with history
    return rows


def find_bulk_writes(source: str, names) -> list[tuple[int, str, str]]:
    """(line, function, code) of each bulk write on audited rows in `source`."""
    tree = ast.parse(source)
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                else function
            )
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr in BULK_METHODS
                and _is_audited_rows(_chain(child.func.value), *names)
            ):
                found.append((child.lineno, function, ast.unparse(child)))
            visit(child, inner)

    visit(tree, "")
    return found


def _portal_sources():
    for app in settings.PORTAL_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path.read_text(encoding="utf-8")


def test_portal_code_never_bulk_writes_audited_rows():
    names = _audited_names()
    unexplained, allowed_seen = [], set()
    for relative, source in _portal_sources():
        for line, function, code in find_bulk_writes(source, names):
            allowed = {(relative, function), (relative, "*")} & set(ALLOWED)
            if allowed:
                allowed_seen.update(allowed)
            else:
                unexplained.append(f"{relative}:{line} in {function or 'module'}(): {code}")

    assert not unexplained, (
        "Bulk writes skip the history of audited records; save each row, or add the "
        "call to ALLOWED with its reason:\n" + "\n".join(unexplained)
    )
    # An exception whose call is gone is removed from the list.
    assert allowed_seen == set(ALLOWED)


# --- The scanner itself ---------------------------------------------------------------------


def _flagged(code: str) -> list[str]:
    return [found[2] for found in find_bulk_writes(code, _audited_names())]


def test_scanner_finds_bulk_writes_on_audited_rows():
    code = """
def f(project, ids, rows, plan):
    Project.objects.filter(pk__in=ids).update(title="x")
    Deposit.objects.select_for_update().filter(pk=1).delete()
    Tranche.objects.bulk_create(rows)
    FundingApproval.objects.bulk_update(rows, ["amount"])
    project.locations.all().delete()
    plan.priorities.filter(code="A").update(title="y")
    Project.history.filter(id=1).delete()
    User.objects.filter(pk=1).update(is_staff=True)
"""
    assert len(_flagged(code)) == 8


def test_scanner_leaves_single_rows_and_other_objects_alone():
    code = """
def f(record, values, form, project):
    record.delete()
    values.update({"a": 1})
    form.fields["region"].widget.attrs.update({"class": "x"})
    Project.objects.get(pk=1).delete()
    project.locations.first().delete()
    Region.objects.filter(code="ML-7").update(in_scope=True)
"""
    assert _flagged(code) == []
