"""Who may do what with projects. Everyone signed in reads projects; exact
coordinates of sensitive locations are for staff only.

Regional staff (and headquarters) create and edit the projects of their
regions and submit their reports; headquarters reviews; fund managers edit
the money fields. A project or report that headquarters returned is changed
and submitted again by the office that submitted it only (`reviews.rules`).
Funding approvals, tranches and expenditure are recorded by fund managers
and administrators only (`funding.access.can_record_money`). Others get 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts import access
from accounts.roles import Role
from funding import access as funding_access
from projects.models import (
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    Location,
    ProgressReport,
    Project,
)
from regions import access as region_access
from reviews import rules as review_rules


def can_see_exact_coordinates(user) -> bool:
    """Staff of the mission who work on projects see sensitive coordinates;
    partners, viewers and user managers (who manage accounts, not projects) never."""
    return access.role_of(user) not in (None, Role.VIEWER, Role.USER_MANAGER)


def can_edit_project(user, project: Project) -> bool:
    """Staff of the project's region, while the project is not closed or
    cancelled; once returned, only the office that submitted it (`reviews.rules`)."""
    return (
        not project.is_finished
        and region_access.can_edit_region(user, project.region_id)
        and review_rules.may_change(user, project)
    )


def can_edit_money(user, project: Project) -> bool:
    if project.is_finished:
        return False
    return access.can_manage_money(user) or can_edit_project(user, project)


def can_record_funding(user, project: Project) -> bool:
    """Record the project's approvals, tranches and expenditure: money users,
    while the project is not closed or cancelled."""
    return not project.is_finished and funding_access.can_record_money(user)


def get_project(pk: int) -> Project:
    return get_object_or_404(
        Project.objects.for_list().select_related("priority__plan", "focal_point", "submitted_by"),
        pk=pk,
    )


def get_project_for_edit(user, pk: int) -> Project:
    project = get_project(pk)
    if not can_edit_project(user, project):
        raise PermissionDenied
    return project


def get_project_for_money(user, pk: int) -> Project:
    project = get_project(pk)
    if not can_edit_money(user, project):
        raise PermissionDenied
    return project


def get_project_for_funding(user, pk: int) -> Project:
    project = get_project(pk)
    if not can_record_funding(user, project):
        raise PermissionDenied
    return project


def get_location_for_edit(user, pk: int) -> Location:
    location = get_object_or_404(Location.objects.select_related("project__region"), pk=pk)
    if not can_edit_project(user, location.project):
        raise PermissionDenied
    return location


def get_indicator_for_edit(user, pk: int) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("project__region"), pk=pk)
    if not can_edit_project(user, indicator.project):
        raise PermissionDenied
    return indicator


def get_indicator_target_for_edit(user, pk: int) -> IndicatorTarget:
    """A target of an indicator, if `user` may edit the indicator's project."""
    target = get_object_or_404(
        IndicatorTarget.objects.select_related("indicator__project__region"), pk=pk
    )
    if not can_edit_project(user, target.indicator.project):
        raise PermissionDenied
    return target


def get_progress_report(pk: int) -> ProgressReport:
    return get_object_or_404(
        ProgressReport.objects.select_related(
            "project__region", "created_by", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def can_edit_report(
    user,
    report: IndicatorReport | ProgressReport,
    project: Project,
    *,
    editable_regions: frozenset[int] | None = None,
) -> bool:
    """Staff of the project's region edit and submit its reports while the
    project is not closed or cancelled (its reports are locked with it); a
    returned report only the office that submitted it (`reviews.rules`).

    A list of reports passes the regions the user edits
    (`regions.access.editable_region_ids`), read once for the whole list."""
    if editable_regions is None:
        in_region = region_access.can_edit_region(user, project.region_id)
    else:
        in_region = project.region_id in editable_regions
    return not project.is_finished and in_region and review_rules.may_change(user, report)


def get_progress_report_for_edit(user, pk: int) -> ProgressReport:
    report = get_progress_report(pk)
    if not can_edit_report(user, report, report.project):
        raise PermissionDenied
    return report


def get_indicator_report(pk: int) -> IndicatorReport:
    return get_object_or_404(
        IndicatorReport.objects.select_related(
            "indicator__project__region", "created_by", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def get_indicator_report_for_edit(user, pk: int) -> IndicatorReport:
    report = get_indicator_report(pk)
    if not can_edit_report(user, report, report.indicator.project):
        raise PermissionDenied
    return report
