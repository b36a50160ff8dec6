"""Writes to projects: creation with a code that is never reused, edits under
optimistic locking, status moves with their timeline, and the mechanism's
rules checked whenever the budget, dates or status make them matter."""

import copy
import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts import access
from core.files import attach_file
from core.versioning import create_once, save_versioned
from funding import rates
from funding.models import Contribution, FundingApproval
from funding.money import format_money
from projects import workflow
from projects.models import (
    AGE_BANDS,
    MALI_LATITUDE,
    MALI_LONGITUDE,
    Indicator,
    IndicatorEvidence,
    IndicatorReport,
    IndicatorTarget,
    Location,
    ProgressReport,
    ProgressReportAttachment,
    Project,
    ProjectCodeSequence,
    StatusChange,
    contribution_problems,
)
from projects.workflow import RULE_FIELDS, rule_problems
from regions import access as region_access
from reviews import rules as review_rules
from reviews import services as review_services
from reviews import visibility
from reviews.models import Reviewable, ReviewStatus


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


# The project's field each rule problem is about (`funding.rules.Problem.concerns`).
RULE_PROBLEM_FIELDS = {
    "budget": "budget_amount",
    "end": "planned_end",
    "window": "window",
    "implementer": "implementing_partner",
    "indirect_costs": "indirect_cost_amount",
}


def rule_errors(values: dict) -> dict[str, list[str]]:
    """What the project described by `values` breaks of its mechanism's rules,
    as field → messages: each message on the field it concerns (a duration
    on the planned end, a ceiling on the budget), the others on the whole
    project (NON_FIELD_ERRORS)."""
    errors: dict[str, list[str]] = {}
    for problem in rule_problems(values):
        field = RULE_PROBLEM_FIELDS.get(getattr(problem, "concerns", None), NON_FIELD_ERRORS)
        errors.setdefault(field, []).append(problem)
    return errors


def rule_problems_of_change(project_id: int, fields: dict) -> dict[str, list[str]]:
    """What the project would break of its mechanism's rules with `fields`
    (as a form cleaned them) over its values as saved, read again from the
    database, never from a form's instance (one query); field → messages, as
    `rule_errors`."""
    saved = Project.objects.select_related("mechanism", "window", "implementing_partner").get(
        pk=project_id
    )
    values = {name: getattr(saved, name) for name in RULE_FIELDS}
    values.update({name: value for name, value in fields.items() if name in RULE_FIELDS})
    return rule_errors(values)


def budget_in_usd(
    amount: Decimal | None, currency: str | None, planned_start: datetime.date | None
) -> Decimal | None:
    """A budget's US dollar equivalent: at the UN operational rate of the month
    of the planned start, or of this month while the start is ahead (no rate
    exists yet for a month to come); None while that rate is missing."""
    if amount is None or not currency or planned_start is None:
        return None
    try:
        return rates.to_usd(amount, currency, on=min(planned_start, timezone.localdate()))
    except rates.MissingRate:
        return None


def _with_budget_usd(values: dict, fields: dict) -> dict:
    """`fields` with the budget's US dollar equivalent, where they change the
    budget, its currency or the planned start (`values`: the project's values
    with those changes)."""
    if {"budget_amount", "budget_currency", "planned_start"} & fields.keys():
        fields = {
            **fields,
            "budget_usd": budget_in_usd(
                values.get("budget_amount"),
                values.get("budget_currency"),
                values.get("planned_start"),
            ),
        }
    return fields


def refresh_budget_usd(project: Project) -> None:
    """Recompute the project's budget in US dollars from its saved values (an
    administrator's correction in Django admin); does not save."""
    project.budget_usd = budget_in_usd(
        project.budget_amount, project.budget_currency, project.planned_start
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
    if focal_point_problem := Project.focal_point_problem(values.get("focal_point")):
        problems["focal_point"] = focal_point_problem
    return problems


def _problems(values: dict, cercles=()) -> dict:
    problems: dict = consistency_problems(values, cercles)
    for field, messages in rule_errors(values).items():
        # A window of another mechanism is said once, by the consistency check.
        problems.setdefault(field, messages)
    return problems


def _check(values: dict, cercles=()) -> None:
    problems = _problems(values, cercles)
    if problems:
        raise ValidationError(problems)


def create_project(
    *, by, token: uuid.UUID | None = None, cercles=(), **fields
) -> tuple[Project, bool]:
    """A project in the pipeline, with its generated code; returns (project, created)."""
    if not region_access.can_edit_region(by, fields["region"]):
        raise ValidationError({"region": _("You cannot create projects in this region.")})
    _check(fields, cercles)
    if token and (existing := Project.objects.filter(creation_token=token).first()):
        return existing, False
    with transaction.atomic():
        code = next_code(
            mechanism=fields["mechanism"],
            year=fields["planned_start"].year,
            region=fields["region"],
        )
        # A simultaneous double post loses the race here and gets the first
        # project back; the number it took stays unused, never given again.
        project, created = create_once(
            Project,
            by=by,
            token=token,
            code=code,
            created_by=by,
            **_with_budget_usd(fields, fields),
        )
        if created:
            project.cercles.set(cercles)
    return project, created


def edit_project(project: Project, *, by, version: int, cercles=None, **fields) -> Project:
    """Save `fields` (and the cercles) as changes made from `version`; refused
    with EditConflict if someone saved in between, and with the messages of
    what they break: the mechanism's rules, and once funding is approved, what
    the project's money is counted on (`money_basis_problems`).

    `project` only says which project. What the changes are compared with is
    the project as saved, read again under lock: a ModelForm's instance
    already holds the posted values once the form is valid."""
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        if current.is_finished:
            raise ValidationError(
                _("A %(status)s project can no longer be changed.")
                % {"status": current.get_status_display()}
            )
        values = {name: getattr(current, name) for name in RULE_FIELDS | {"region", "priority"}}
        values.update(fields)
        problems = _problems(values, cercles if cercles is not None else current.cercles.all())
        for name, message in _money_basis_problems(current, fields).items():
            problems.setdefault(name, message)
        _raise_problems(problems)
        saved = save_versioned(current, by=by, version=version, **_with_budget_usd(values, fields))
        if cercles is not None:
            saved.cercles.set(cercles)
    return saved


# --- The basis of a funded project's money --------------------------------------------
# Approvals, tranches and expenditure are recorded in the project's currency,
# under its mechanism (and window), within its funders' earmarks: once any
# funding is approved, those stay, and the budget covers what is approved. The
# portal's forms and Django admin both ask `money_basis_problems`.

MONEY_BASIS = ("mechanism", "window", "budget_currency")


def approved_funding(project_id: int) -> Decimal | None:
    """What is approved for the project, in its currency (which its approvals
    share); None while nothing is."""
    return FundingApproval.objects.filter(project=project_id).aggregate(total=Sum("amount"))[
        "total"
    ]


def locked_reason(name: str) -> str:
    """Why `name`, one of MONEY_BASIS, no longer changes."""
    reasons = {
        "mechanism": _("Funding is approved for this project: its mechanism can no longer change."),
        "window": _("Funding is approved for this project: its window can no longer change."),
        "budget_currency": _(
            "Funding is approved for this project: its currency can no longer change."
        ),
    }
    return reasons[name]


def budget_floor(approved: Decimal, currency: str) -> str:
    """The lowest budget a project with `approved` may have, in words."""
    return _("The budget cannot fall below the %(approved)s already approved.") % {
        "approved": format_money(approved, currency)
    }


def money_basis_problems(project_id: int, values: dict) -> dict[str, str]:
    """Field → message for what saving `values` (the fields being saved, as a
    form cleaned them) would break of a funded project's money: a change of
    mechanism, window or currency, a budget below what is approved, a region
    or priority outside its funders' earmarks. Empty while nothing is approved.

    Reads the project as saved and locks it: call it in the transaction that
    then saves, so that an approval recorded meanwhile (which locks the same
    row first) waits, or is counted."""
    current = Project.objects.select_for_update().get(pk=project_id)
    return _money_basis_problems(current, values)


def _money_basis_problems(current: Project, values: dict) -> dict[str, str]:
    approved = approved_funding(current.pk)
    if approved is None:
        return {}
    problems = {
        name: locked_reason(name)
        for name in MONEY_BASIS
        if name in values and _differs(current, name, values[name])
    }
    budget = values.get("budget_amount")
    if budget is not None and budget < approved:
        problems["budget_amount"] = budget_floor(approved, current.budget_currency)
    if {"region", "priority"} & values.keys():
        changed = copy.copy(current)
        for name in {"region", "priority"} & values.keys():
            setattr(changed, name, values[name])
        funders = Contribution.objects.filter(approvals__project=current.pk).distinct()
        for contribution in funders.select_related("earmark_region"):
            if not contribution.may_fund(changed):
                problems["region"] = _(
                    "The contribution that funds this project is earmarked for %(earmark)s."
                ) % {"earmark": contribution.earmark}
    return problems


def _differs(current: Project, name: str, value) -> bool:
    """Whether `value` (a model instance for a relation) differs from the
    saved value of the field `name`, compared by id for relations."""
    field = Project._meta.get_field(name)
    if field.is_relation:
        return getattr(current, field.attname) != getattr(value, "pk", value)
    return getattr(current, name) != value


# The moves people make, by name: (model transition, whose decision it is).
# The review steps go through the portal's one workflow (reviews.services).
MOVES = {
    "submit": ("_submit", "editor"),
    "send_back": ("_send_back", "reviewer"),
    "approve": ("_approve", "reviewer"),
    "start": ("_start", "editor"),
    "complete": ("_complete", "editor"),
    "close": ("_close", "reviewer"),
    "cancel": ("_cancel", "reviewer"),
}
REVIEW_MOVES = {
    "submit": review_services.submit,
    "approve": review_services.approve,
    "send_back": review_services.return_for_changes,
}


def may_move(user, project: Project, step: str) -> bool:
    """Whether `user` decides `step` on `project` (not whether it is possible
    now): the region's staff take the office's steps, headquarters the others;
    a returned project is submitted again by the office that submitted it."""
    _method, whose = MOVES[step]
    if whose == "reviewer":
        return access.can_review(user)
    return region_access.can_edit_region(user, project.region_id) and review_rules.may_change(
        user, project
    )


def _lacking(user, project: Project, step: str) -> list[str]:
    lacking = workflow.preconditions(project, step)
    if step in ("approve", "send_back"):
        # The four-eyes rule (reviews.rules): not on one's own submission.
        refusal = review_rules.own_submission_refusal(user, project)
        lacking = [refusal, *lacking] if refusal else lacking
    return lacking


def steps_decided_by(user, project: Project) -> list[str]:
    """The steps `user` decides on `project` from its status, possible now or not."""
    return [
        step
        for step, (method, _whose) in MOVES.items()
        if can_proceed(getattr(project, method)) and may_move(user, project, step)
    ]


def available_moves(user, project: Project) -> dict[str, list[str]]:
    """The steps `user` decides on `project` from its status, each with what
    it still lacks (an empty list: it can be taken now)."""
    return {step: _lacking(user, project, step) for step in steps_decided_by(user, project)}


def _refuse_from_status(project: Project, step: str) -> None:
    if not can_proceed(getattr(project, MOVES[step][0])):
        raise ValidationError(project.state_refusal(step))


def move(
    project: Project,
    *,
    by,
    step: str,
    comment: str = "",
    day: datetime.date | None = None,
    notify: bool = True,
) -> Project:
    """Take a status step, or refuse it with what it lacks (`projects.workflow`).
    `day` is the actual start or end the start and complete steps record
    (the one already on the project when not given). `notify=False` (demo
    data) sends no e-mail of the review steps."""
    if step not in MOVES:
        raise ValidationError(_("Unknown step."))
    if not may_move(by, project, step):
        raise PermissionDenied
    _refuse_from_status(project, step)
    if step in REVIEW_MOVES:
        return REVIEW_MOVES[step](project, by=by, comment=comment, notify=notify)
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        _refuse_from_status(current, step)
        method = getattr(current, MOVES[step][0])
        date_field = workflow.STEP_DATES.get(step)
        if date_field:
            day = day or getattr(current, date_field)
        problems = workflow.step_problems(current, step, day=day, reason=comment)
        if problems:
            raise ValidationError(problems)
        if date_field:
            setattr(current, date_field, day)
        old = current.status
        method()
        current.version += 1
        current._history_user = by
        current.save()
        StatusChange.objects.create(
            project=current, old_status=old, new_status=current.status, by=by, comment=comment
        )
    return current


# --- Locations, indicators and reports ------------------------------------------------
# The rules below are checked here whatever the entry point; the forms call the
# same `*_problems` functions so that people see the messages next to the fields.
# Writes of one row are atomic too: the row and its history entry are saved together.


def _raise_problems(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(problems)


def location_problems(project: Project, values: dict) -> dict[str, str]:
    """Field → message for a location that does not fit its project: a cercle
    of another region, half a pair of coordinates, coordinates outside Mali."""
    problems = {}
    cercle = values.get("cercle")
    if cercle and cercle.region_id != project.region_id:
        problems["cercle"] = _("This cercle is not in the project's region.")
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        problems[missing] = _("Give both the latitude and the longitude, or neither.")
        return problems
    outside = _("These coordinates are outside Mali.")
    if latitude is not None and not MALI_LATITUDE[0] <= latitude <= MALI_LATITUDE[1]:
        problems["latitude"] = outside
    if longitude is not None and not MALI_LONGITUDE[0] <= longitude <= MALI_LONGITUDE[1]:
        problems["longitude"] = outside
    return problems


@transaction.atomic
def create_location(project: Project, *, by, **fields) -> Location:
    _raise_problems(location_problems(project, fields))
    location = Location(project=project, **fields)
    location._history_user = by
    location.save()
    return location


@transaction.atomic
def edit_location(location: Location, *, by, **fields) -> Location:
    _raise_problems(location_problems(location.project, fields))
    for name, value in fields.items():
        setattr(location, name, value)
    location._history_user = by
    location.save()
    return location


@transaction.atomic
def delete_location(location: Location, *, by) -> None:
    location._history_user = by
    location.delete()


def indicator_problems(values: dict, *, project: Project | None = None) -> dict[str, str]:
    """A baseline below zero, a target that is not above zero, and (given the
    `project`) a contribution to an outcome indicator of another region's plan.

    The target is only required to be positive, not to exceed the baseline:
    some indicators measure a decrease (incidents, days of closure), and their
    target lies below the baseline. A zero target would give nothing to
    measure progress against."""
    problems = contribution_problems(project, values.get("outcome"))
    baseline, target = values.get("baseline"), values.get("target")
    if baseline is not None and baseline < 0:
        problems["baseline"] = _("The baseline cannot be negative.")
    if target is not None and target <= 0:
        problems["target"] = _("The target must be greater than zero.")
    return problems


@transaction.atomic
def create_indicator(project: Project, *, by, **fields) -> Indicator:
    _raise_problems(indicator_problems(fields, project=project))
    indicator = Indicator(project=project, **fields)
    indicator._history_user = by
    indicator.save()
    return indicator


@transaction.atomic
def edit_indicator(indicator: Indicator, *, by, **fields) -> Indicator:
    _raise_problems(indicator_problems(fields, project=indicator.project))
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator._history_user = by
    indicator.save()
    return indicator


SEX_PARTS = ("value_women", "value_men", "value_girls", "value_boys")
DISAGGREGATED = (*SEX_PARTS, *AGE_BANDS)


# --- Targets per period of an indicator -------------------------------------------------


@transaction.atomic
def create_indicator_target(indicator: Indicator, *, by, **fields) -> IndicatorTarget:
    """A target for one period of `indicator` (within the project's dates,
    overlapping none of its other targets); the indicator is locked so that
    two targets of the same period cannot be added at once."""
    Indicator.objects.select_for_update().filter(pk=indicator.pk).exists()
    _raise_problems(IndicatorTarget.problems(indicator, fields))
    target = IndicatorTarget(indicator=indicator, **fields)
    target._history_user = by
    target.save()
    return target


@transaction.atomic
def edit_indicator_target(target: IndicatorTarget, *, by, **fields) -> IndicatorTarget:
    Indicator.objects.select_for_update().filter(pk=target.indicator_id).exists()
    _raise_problems(IndicatorTarget.problems(target.indicator, fields, exclude_pk=target.pk))
    for name, value in fields.items():
        setattr(target, name, value)
    target._history_user = by
    target.save()
    return target


@transaction.atomic
def delete_indicator_target(target: IndicatorTarget, *, by) -> None:
    target._history_user = by
    target.delete()


def indicator_report_problems(indicator: Indicator, values: dict) -> dict[str, str]:
    """No negative value; for an indicator disaggregated by sex, women and
    girls plus men and boys adding up to the value, and the girls and boys
    (when given) within them; for one disaggregated by age, the three bands
    given and adding up to the value. Each message on the field to correct."""
    problems = {}
    for name in ("value", *DISAGGREGATED):
        if values.get(name) is not None and values[name] < 0:
            problems[name] = _("A value cannot be negative.")
    if indicator.by_sex:
        _sex_problems(values, problems)
    if indicator.by_age:
        _age_problems(values, problems)
    return problems


def _sex_problems(values: dict, problems: dict) -> None:
    value, women, men = (values.get(name) for name in ("value", "value_women", "value_men"))
    for name, part in (("value_women", women), ("value_men", men)):
        if part is None:
            problems.setdefault(name, _("This indicator is disaggregated by sex: give this value."))
    if value is not None and women is not None and men is not None and women + men != value:
        problems.setdefault(
            "value",
            _("Women and girls plus men and boys (%(total)s) must add up to the value achieved.")
            % {"total": women + men},
        )
    within = {
        "value_girls": (women, _("Girls (%(part)s) cannot outnumber women and girls (%(whole)s).")),
        "value_boys": (men, _("Boys (%(part)s) cannot outnumber men and boys (%(whole)s).")),
    }
    for name, (whole, message) in within.items():
        part = values.get(name)
        if part is not None and whole is not None and part > whole:
            problems.setdefault(name, message % {"part": part, "whole": whole})


def _age_problems(values: dict, problems: dict) -> None:
    bands = [values.get(name) for name in AGE_BANDS]
    for name, part in zip(AGE_BANDS, bands, strict=True):
        if part is None:
            problems.setdefault(name, _("This indicator is disaggregated by age: give this value."))
    value = values.get("value")
    if value is not None and None not in bands and sum(bands) != value:
        problems.setdefault(
            AGE_BANDS[0],
            _(
                "Under 15, 15 to 24 and 25 and over (%(total)s) must add up to the value "
                "achieved (%(value)s)."
            )
            % {"total": sum(bands), "value": value},
        )


def _refuse_if_closed(item: Reviewable) -> None:
    if not item.is_editable:
        raise ValidationError(
            _("This report is %(status)s and can no longer be changed.")
            % {"status": item.get_review_status_display()}
        )


def _indicator_report_fields(
    indicator: Indicator, fields: dict, *, exclude_pk=None, token=None
) -> dict:
    _raise_problems(
        IndicatorReport.period_problems(
            indicator,
            start=fields.get("period_start"),
            end=fields.get("period_end"),
            exclude_pk=exclude_pk,
            token=token,
        )
        | indicator_report_problems(indicator, fields)
    )
    # The parts an indicator does not ask for are not kept.
    if not indicator.by_sex:
        fields = {**fields, **dict.fromkeys(SEX_PARTS)}
    if not indicator.by_age:
        fields = {**fields, **dict.fromkeys(AGE_BANDS)}
    return fields


def create_indicator_report(
    indicator: Indicator,
    *,
    by,
    token: uuid.UUID | None = None,
    evidence=None,
    evidence_title: str = "",
    **fields,
) -> tuple[IndicatorReport, bool]:
    """A draft report of the value an indicator reached, with its evidence if
    a file is given; returns (report, created). The same form (token) posted
    twice creates one report and stores its file once."""
    with transaction.atomic():
        _lock_project(indicator.project_id)
        fields = _indicator_report_fields(indicator, fields, token=token)
        report, created = create_once(
            IndicatorReport, by=by, token=token, indicator=indicator, created_by=by, **fields
        )
        if created and evidence:
            attach_file(
                IndicatorEvidence, by=by, upload=evidence, title=evidence_title, report=report
            )
    return report, created


@transaction.atomic
def edit_indicator_report(
    report: IndicatorReport, *, by, evidence=None, evidence_title: str = "", **fields
) -> IndicatorReport:
    """Change a draft or returned report (the row is locked, so that a submission
    or an approval cannot slip in between the check and the write)."""
    current = IndicatorReport.objects.select_for_update().get(pk=report.pk)
    _refuse_if_closed(current)
    fields = _indicator_report_fields(report.indicator, fields, exclude_pk=report.pk)
    for name, value in fields.items():
        setattr(current, name, value)
    current._history_user = by
    current.save()
    if evidence:
        attach_file(IndicatorEvidence, by=by, upload=evidence, title=evidence_title, report=current)
    return current


def _lock_project(project_id: int) -> None:
    """Two reports on the same period sent at once: the second waits for the
    first and then finds its period taken."""
    Project.objects.select_for_update().filter(pk=project_id).exists()


def _progress_period_problems(
    project: Project, fields: dict, *, exclude_pk=None, token=None
) -> dict:
    return ProgressReport.period_problems(
        project,
        start=fields.get("period_start"),
        end=fields.get("period_end"),
        is_final=fields.get("is_final", False),
        exclude_pk=exclude_pk,
        token=token,
    )


def create_progress_report(
    project: Project, *, by, token: uuid.UUID | None = None, **fields
) -> tuple[ProgressReport, bool]:
    """A draft progress report; returns (report, created)."""
    with transaction.atomic():
        _lock_project(project.pk)
        _raise_problems(_progress_period_problems(project, fields, token=token))
        return create_once(
            ProgressReport, by=by, token=token, project=project, created_by=by, **fields
        )


@transaction.atomic
def edit_progress_report(report: ProgressReport, *, by, **fields) -> ProgressReport:
    current = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _refuse_if_closed(current)
    _raise_problems(_progress_period_problems(current.project, fields, exclude_pk=current.pk))
    for name, value in fields.items():
        setattr(current, name, value)
    current._history_user = by
    current.save()
    return current


@transaction.atomic
def attach_to_progress_report(
    report: ProgressReport, *, by, upload, title: str = ""
) -> ProgressReportAttachment:
    """Attach a photo or document to a report still open for changes."""
    current = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _refuse_if_closed(current)
    return attach_file(ProgressReportAttachment, by=by, upload=upload, title=title, report=current)


def project_results(project: Project, user) -> dict[str, QuerySet]:
    """What the project page shows `user` of its results: three querysets of
    one query each, the reports limited to those `user` may read
    (`reviews.visibility`)."""
    return _results(project, lambda reports: visibility.visible(reports, user))


def _results(project: Project, visible) -> dict[str, QuerySet]:
    """The project's results, each queryset of reports passed through `visible`.

    - `locations`, with their cercles;
    - `indicators`, each annotated with `achieved` (the value of its latest
      approved report, by period), `achieved_on` (that report's period end),
      and `latest_report_id` / `latest_report_status` (its latest report,
      whatever its status);
    - `progress_reports`, latest period first.
    """
    reports = visible(IndicatorReport.objects.filter(indicator=OuterRef("pk"))).order_by(
        "-period_end", "-pk"
    )
    approved = reports.filter(review_status=ReviewStatus.APPROVED)
    indicators = project.indicators.annotate(
        achieved=Subquery(approved.values("value")[:1]),
        achieved_on=Subquery(approved.values("period_end")[:1]),
        latest_report_id=Subquery(reports.values("pk")[:1]),
        latest_report_status=Subquery(reports.values("review_status")[:1]),
    )
    return {
        "locations": project.locations.select_related("cercle"),
        "indicators": indicators,
        "progress_reports": visible(project.progress_reports.all()),
    }
