"""Writes to projects: creation with a code that is never reused, edits under
optimistic locking, status moves with their timeline, and the mechanism's
rules checked whenever the budget, dates or status make them matter."""

import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts import access
from funding import rules
from projects.models import Currency, Project, ProjectCodeSequence, StatusChange
from regions.services import EditConflict, attach_file, save_versioned

__all__ = ["EditConflict", "attach_file"]

RULE_FIELDS = {
    "budget_amount",
    "budget_currency",
    "planned_start",
    "planned_end",
    "mechanism",
    "window",
}


def region_abbreviation(region) -> str:
    return slugify(region.name_fr).replace("-", "")[:3].upper()


def next_code(*, mechanism, year: int, region) -> str:
    """`QIP-2023-GAO-014`: mechanism, year, region and a sequence never reused
    (the counter row is locked, so two creations cannot take the same number)."""
    prefix = f"{mechanism.code.upper()}-{year}-{region_abbreviation(region)}"
    ProjectCodeSequence.objects.get_or_create(prefix=prefix)
    sequence = ProjectCodeSequence.objects.select_for_update().get(prefix=prefix)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{sequence.last:03d}"


def budget_in_usd(amount: Decimal | None, currency: str) -> Decimal | None:
    """The budget in US dollars; None where no exchange rate is known yet."""
    if amount is None:
        return None
    return amount if currency == Currency.USD else None


def rule_problems(values: dict) -> list[str]:
    """What the project described by `values` breaks of its mechanism's rules."""
    if not values.get("mechanism"):
        return []
    return rules.check_project(
        mechanism=values["mechanism"],
        window=values.get("window"),
        budget_usd=budget_in_usd(values.get("budget_amount"), values.get("budget_currency")),
        start=values.get("planned_start"),
        end=values.get("planned_end"),
    )


def consistency_problems(values: dict, cercles=()) -> dict[str, str]:
    """Field → message for what does not fit together: a priority of another
    region's plan, a cercle outside the region, a window of another mechanism,
    dates in the wrong order."""
    problems = {}
    region = values.get("region")
    priority = values.get("priority")
    if region and priority and priority.plan.region_id != region.pk:
        problems["priority"] = _("This priority belongs to the plan of another region.")
    if region and any(cercle.region_id != region.pk for cercle in cercles):
        problems["cercles"] = _("Every cercle must be in the project's region.")
    window, mechanism = values.get("window"), values.get("mechanism")
    if window and mechanism and window.mechanism_id != mechanism.pk:
        problems["window"] = _("This window belongs to another mechanism.")
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if values.get(start) and values.get(end) and values[end] < values[start]:
            problems[end] = _("The end cannot come before the start.")
    return problems


def _check(values: dict, cercles=()) -> None:
    problems: dict = consistency_problems(values, cercles)
    broken_rules = rule_problems(values)
    if broken_rules:
        problems["__all__"] = broken_rules
    if problems:
        raise ValidationError(problems)


def create_project(
    *, by, token: uuid.UUID | None = None, cercles=(), **fields
) -> tuple[Project, bool]:
    """A project in the pipeline, with its generated code; returns (project, created)."""
    if not access.can_edit_region(by, fields["region"]):
        raise ValidationError({"region": _("You cannot create projects in this region.")})
    _check(fields, cercles)
    with transaction.atomic():
        if token:
            existing = Project.objects.filter(creation_token=token).first()
            if existing:
                return existing, False
        code = next_code(
            mechanism=fields["mechanism"],
            year=fields["planned_start"].year,
            region=fields["region"],
        )
        project = Project(code=code, created_by=by, creation_token=token, **fields)
        project._history_user = by
        project.save()
        project.cercles.set(cercles)
    return project, True


def edit_project(project: Project, *, by, version: int, cercles=None, **fields) -> Project:
    """Save changes made from `version`; refused with EditConflict if someone
    saved in between, and with the rules' messages if the budget or dates break them."""
    values = {name: getattr(project, name) for name in RULE_FIELDS | {"region", "priority"}}
    values.update(fields)
    _check(values, cercles if cercles is not None else project.cercles.all())
    with transaction.atomic():
        saved = save_versioned(project, by=by, version=version, **fields)
        if cercles is not None:
            saved.cercles.set(cercles)
    return saved


# The moves people make, by name: (model transition, whose decision it is).
MOVES = {
    "submit": ("_submit", "editor"),
    "send_back": ("_send_back", "reviewer"),
    "approve": ("_approve", "reviewer"),
    "start": ("_start", "editor"),
    "complete": ("_complete", "editor"),
    "close": ("_close", "reviewer"),
    "cancel": ("_cancel", "reviewer"),
}
CHECKED_MOVES = {"submit", "approve"}


def may_move(user, project: Project, step: str) -> bool:
    _method, whose = MOVES[step]
    if whose == "reviewer":
        return access.can_review(user)
    return access.can_edit_region(user, project.region)


def available_moves(user, project: Project) -> list[str]:
    return [
        step
        for step, (method, _whose) in MOVES.items()
        if can_proceed(getattr(project, method)) and may_move(user, project, step)
    ]


@transaction.atomic
def move(project: Project, *, by, step: str, comment: str = "") -> Project:
    """Take a status step; the rules are checked again on submission and approval."""
    if step not in MOVES:
        raise ValidationError(_("Unknown step."))
    if not may_move(by, project, step):
        raise PermissionDenied
    current = Project.objects.select_for_update().get(pk=project.pk)
    method = getattr(current, MOVES[step][0])
    if not can_proceed(method):
        raise ValidationError(
            _("A project that is %(status)s cannot take this step.")
            % {"status": current.get_status_display()}
        )
    if step in CHECKED_MOVES:
        problems = rule_problems({name: getattr(current, name) for name in RULE_FIELDS})
        if problems:
            raise ValidationError(problems)
    old = current.status
    method()
    current.version += 1
    current._history_user = by
    current.save()
    StatusChange.objects.create(
        project=current, old_status=old, new_status=current.status, by=by, comment=comment
    )
    return current
