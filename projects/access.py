"""Who may do what with projects. Everyone signed in reads projects; exact
coordinates of sensitive locations are for staff only.

Regional staff (and headquarters) create and edit the projects of their
regions and submit their reports; headquarters reviews; fund managers edit
the money fields. Funding approvals, tranches and expenditure are recorded by
fund managers and administrators only (`funding.access.can_record_money`).
Others get 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts import access
from accounts.roles import Role
from funding import access as funding_access
from projects.models import Indicator, IndicatorReport, Location, ProgressReport, Project
from regions import access as region_access


def can_see_exact_coordinates(user) -> bool:
    """Staff of the mission see sensitive coordinates; partners and viewers never."""
    return access.role_of(user) not in (None, Role.VIEWER)


def can_edit_project(user, project: Project) -> bool:
    """Staff of the project's region, while the project is not closed or cancelled."""
    return not project.is_finished and region_access.can_edit_region(user, project.region_id)


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
        Project.objects.for_list().select_related("priority__plan", "focal_point"), pk=pk
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


def get_progress_report(pk: int) -> ProgressReport:
    return get_object_or_404(
        ProgressReport.objects.select_related(
            "project__region", "created_by", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def get_progress_report_for_edit(user, pk: int) -> ProgressReport:
    report = get_progress_report(pk)
    # A closed or cancelled project is locked, its reports with it.
    if report.project.is_finished or not region_access.can_edit_region(user, report.project.region):
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
    project = report.indicator.project
    if project.is_finished or not region_access.can_edit_region(user, project.region):
        raise PermissionDenied
    return report
