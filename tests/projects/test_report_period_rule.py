"""The period rule of reports holds on every path into the data: the
services (pages, imports and the demo go through them), the one-time token
of a form posted twice, and Django admin."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from projects import services
from projects.models import IndicatorReport, ProgressReport
from regions import services as region_services
from regions.models import PlanUpdate, RegionalPlan
from tests.factories import (
    IndicatorFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
)

D = datetime.date


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English, whatever language a page left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def project(gao_officer):
    # Runs from 1 February to 30 June 2024.
    return ProjectFactory(status="ongoing", actual_start=D(2024, 2, 1), created_by=gao_officer)


def _progress(project, officer, start, end, **fields):
    values = {
        "period_start": start,
        "period_end": end,
        "narrative": "Travaux en cours.",
        "percent_complete": 30,
        **fields,
    }
    return services.create_progress_report(project, by=officer, **values)


def test_progress_report_outside_the_project_dates_is_refused(project, gao_officer):
    with pytest.raises(ValidationError) as refused:
        _progress(project, gao_officer, D(2024, 4, 1), D(2024, 9, 30))
    assert "within the project's dates" in str(refused.value)
    assert not ProgressReport.objects.exists()


def test_the_same_period_cannot_be_reported_twice(project, gao_officer):
    _progress(project, gao_officer, D(2024, 4, 1), D(2024, 6, 30))
    with pytest.raises(ValidationError) as refused:
        _progress(project, gao_officer, D(2024, 5, 1), D(2024, 6, 30))
    assert "already been reported" in str(refused.value)
    assert ProgressReport.objects.count() == 1


def test_the_final_report_covers_the_whole_run_once(project, gao_officer):
    _progress(project, gao_officer, D(2024, 2, 1), D(2024, 3, 31))
    final, created = _progress(project, gao_officer, D(2024, 2, 1), D(2024, 6, 30), is_final=True)
    assert created and final.is_final
    with pytest.raises(ValidationError) as refused:
        _progress(project, gao_officer, D(2024, 4, 1), D(2024, 6, 30), is_final=True)
    assert "already has its final report" in str(refused.value)
    assert ProgressReport.objects.filter(is_final=True).count() == 1


def test_a_form_posted_twice_finds_its_own_report_not_a_clash(project, gao_officer):
    token = uuid.uuid4()
    first, created = _progress(project, gao_officer, D(2024, 4, 1), D(2024, 6, 30), token=token)
    again, created_again = _progress(
        project, gao_officer, D(2024, 4, 1), D(2024, 6, 30), token=token
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)


def test_editing_a_report_onto_another_reports_period_is_refused(project, gao_officer):
    ProgressReportFactory(project=project, period_start=D(2024, 2, 1), period_end=D(2024, 3, 31))
    report, _created = _progress(project, gao_officer, D(2024, 4, 1), D(2024, 6, 30))
    with pytest.raises(ValidationError):
        services.edit_progress_report(
            report, by=gao_officer, period_start=D(2024, 3, 1), period_end=D(2024, 6, 30)
        )
    report.refresh_from_db()
    assert report.period_start == D(2024, 4, 1)
    # Its own period, kept, is no clash with itself.
    services.edit_progress_report(report, by=gao_officer, narrative="Forage terminé.")


def test_indicator_reports_obey_the_same_rule(project, gao_officer):
    indicator = IndicatorFactory(project=project)
    values = {"value": 100, "period_start": D(2024, 2, 1), "period_end": D(2024, 3, 31)}
    services.create_indicator_report(indicator, by=gao_officer, **values)
    with pytest.raises(ValidationError):
        services.create_indicator_report(indicator, by=gao_officer, **values)
    with pytest.raises(ValidationError):
        services.create_indicator_report(
            indicator, by=gao_officer, **{**values, "period_start": D(2025, 1, 1)}
        )
    # Another indicator of the project reports on the same quarter.
    services.create_indicator_report(IndicatorFactory(project=project), by=gao_officer, **values)
    assert IndicatorReport.objects.count() == 2


def test_plan_update_outside_the_plan_or_twice_is_refused(gao_officer):
    plan = PlanFactory(status=RegionalPlan.Status.VALIDATED)  # 2024–2025
    quarter = {"period_start": D(2027, 1, 1), "period_end": D(2027, 3, 31)}
    with pytest.raises(ValidationError) as refused:
        region_services.create_update(plan, by=gao_officer, progress={}, **quarter)
    assert "within the plan's dates" in str(refused.value)
    quarter = {"period_start": D(2025, 1, 1), "period_end": D(2025, 3, 31)}
    region_services.create_update(plan, by=gao_officer, progress={}, **quarter)
    with pytest.raises(ValidationError):
        region_services.create_update(plan, by=gao_officer, progress={}, **quarter)
    assert PlanUpdate.objects.count() == 1


def test_admin_cannot_move_a_report_onto_a_reported_period(client_for, admin_user, project):
    ProgressReportFactory(project=project, period_start=D(2024, 2, 1), period_end=D(2024, 3, 31))
    report = ProgressReportFactory(
        project=project, period_start=D(2024, 4, 1), period_end=D(2024, 6, 30)
    )
    url = f"/admin/projects/progressreport/{report.pk}/change/"
    client = client_for(admin_user)
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and not form.fields[name].disabled
    }
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data.update(period_start="2024-03-01")
    page = client.post(url, data)
    assert page.status_code == 200
    assert list(page.context["adminform"].form.errors) == ["period_start"]
    report.refresh_from_db()
    assert report.period_start == D(2024, 4, 1)
