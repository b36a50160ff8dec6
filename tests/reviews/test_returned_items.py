"""A returned item: its page says at the top who returned it, when and why,
and only the office that submitted it changes it or submits it again —
headquarters, which reviews it, and other offices do not (403 or 404), on
its pages and in the workflow's services alike. For each kind of record
the workflow serves: plan updates, progress and indicator reports, projects
and regional plans."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from projects import services as project_services
from projects.models import IndicatorReport, ProgressReport, Project
from regions import services as region_services
from regions.models import Office, PlanUpdate, Region, RegionalPlan
from reviews import services as review
from reviews.models import ReviewEvent
from reviews.views import return_event
from tests.factories import (
    IndicatorReportFactory,
    PlanFactory,
    PriorityFactory,
    PriorityProgressFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
)

COMMENT = "Les chiffres du trimestre ne correspondent pas au rapport financier."
KINDS = ["update", "progress_report", "indicator_report", "project", "plan"]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def gao_colleague(db):
    """Another officer of the office that submitted the item (Gao)."""
    return UserFactory(
        username="gao_colleague", role=Role.REGIONAL_OFFICER, office=Office.objects.get(name="Gao")
    )


def _gao() -> Region:
    return Region.objects.get(code="ML-7")


def _draft(kind: str):
    """A Gao record of `kind` ready to be submitted."""
    if kind == "update":
        plan = PlanFactory(region=_gao(), status=RegionalPlan.Status.VALIDATED)
        return PriorityProgressFactory(update__plan=plan).update
    if kind == "progress_report":
        return ProgressReportFactory(project=ProjectFactory(region=_gao()))
    if kind == "indicator_report":
        return IndicatorReportFactory(indicator__project=ProjectFactory(region=_gao()))
    if kind == "project":
        return ProjectFactory(region=_gao())
    plan = PlanFactory(region=_gao())
    PriorityFactory(plan=plan)
    return plan


def _returned(kind: str, *, by, reviewer, comment: str = COMMENT):
    """A Gao record of `kind` submitted by `by` and returned by `reviewer`."""
    item = review.submit(_draft(kind), by=by, notify=False)
    return review.return_for_changes(item, by=reviewer, comment=comment, notify=False)


def _fresh(item):
    return type(item).objects.get(pk=item.pk)


def _edit_url(item) -> str:
    return {
        PlanUpdate: f"/plans/updates/{item.pk}/edit/",
        ProgressReport: f"/projects/reports/{item.pk}/edit/",
        IndicatorReport: f"/projects/indicator-reports/{item.pk}/edit/",
        Project: f"/projects/{item.pk}/edit/",
        RegionalPlan: f"/plans/{item.pk}/edit/",
    }[type(item)]


def _submit(client, item):
    """Send the item for review again through its page's button."""
    if isinstance(item, Project):
        return client.post(f"/projects/{item.pk}/status/", {"step": "submit", "comment": ""})
    url = {
        PlanUpdate: f"/plans/updates/{item.pk}/submit/",
        ProgressReport: f"/projects/reports/{item.pk}/submit/",
        IndicatorReport: f"/projects/indicator-reports/{item.pk}/submit/",
        RegionalPlan: f"/plans/{item.pk}/send-for-review/",
    }[type(item)]
    return client.post(url)


def _submit_button(item) -> str:
    """What the page shows when the reader may send the item for review again."""
    return {
        PlanUpdate: f'action="/plans/updates/{item.pk}/submit/"',
        ProgressReport: f'action="/projects/reports/{item.pk}/submit/"',
        IndicatorReport: f'action="/projects/indicator-reports/{item.pk}/submit/"',
        Project: f'href="/projects/{item.pk}/status/"',
        RegionalPlan: f'href="/plans/{item.pk}/send-for-review/"',
    }[type(item)]


# --- The banner ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reader", ["gao_officer", "gao_colleague", "hq_user"])
def test_a_returned_item_says_at_the_top_who_returned_it_when_and_why(
    request, client_for, gao_officer, hq_user, kind, reader
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)
    event = ReviewEvent.objects.get(action="returned", object_id=item.pk, comment=COMMENT)

    response = client_for(request.getfixturevalue(reader)).get(item.get_absolute_url())

    assert response.status_code == 200
    assert response.context["return_event"] == event
    page = response.text
    banner = page.index("Returned for changes")
    # At the top: before the item's details, which the kept sections hold on
    # the pages of projects and plans.
    assert banner < page.index('<dl class="details">')
    assert f"by {hq_user}" in page[banner:]
    assert COMMENT in page[banner : page.index('<dl class="details">')]


@pytest.mark.parametrize("kind", KINDS)
def test_the_banner_shows_the_latest_return_not_one_kept_from_before(
    client_for, gao_officer, hq_user, kind
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user, comment="Première remarque.")
    client = client_for(hq_user)
    assert "Première remarque." in client.get(item.get_absolute_url()).text
    item = review.submit(_fresh(item), by=gao_officer, notify=False)
    review.return_for_changes(item, by=hq_user, comment="Seconde remarque.", notify=False)

    page = client.get(item.get_absolute_url()).text

    top = page[: page.index('<dl class="details">')]
    assert "Seconde remarque." in top
    assert "Première remarque." not in top


@pytest.mark.parametrize("kind", KINDS)
def test_no_banner_once_the_item_is_submitted_again(client_for, gao_officer, hq_user, kind):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)
    review.submit(_fresh(item), by=gao_officer, notify=False)

    response = client_for(hq_user).get(item.get_absolute_url())

    assert response.context["return_event"] is None
    assert "Returned for changes" not in response.text


def test_no_banner_on_a_draft(client_for, gao_officer):
    update = _draft("update")

    response = client_for(gao_officer).get(update.get_absolute_url())

    assert response.context["return_event"] is None
    assert "Returned for changes" not in response.text


def test_the_banner_shows_the_comment_as_text(client_for, gao_officer, hq_user):
    item = _returned(
        "update", by=gao_officer, reviewer=hq_user, comment="<b>Revoir</b>\nles chiffres"
    )

    page = client_for(gao_officer).get(item.get_absolute_url()).text

    assert "&lt;b&gt;Revoir&lt;/b&gt;<br>les chiffres" in page


@pytest.mark.parametrize("kind", KINDS)
def test_partners_and_viewers_see_neither_the_returned_item_nor_its_comment(
    client_for, gao_officer, hq_user, viewer, kind
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)

    response = client_for(viewer).get(item.get_absolute_url())

    assert response.status_code == 404
    assert COMMENT not in response.text
    # And were a returned item ever shown to them, no banner would say why.
    assert return_event(viewer, item) is None
    assert return_event(hq_user, item).comment == COMMENT


# --- Who edits a returned item -------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_headquarters_may_not_edit_or_submit_a_returned_item(
    client_for, gao_officer, hq_user, kind
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)
    client = client_for(hq_user)

    page = client.get(item.get_absolute_url())

    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert f'href="{_edit_url(item)}"' not in page.text
    if kind != "project":  # headquarters may still cancel a project: its status page
        assert _submit_button(item) not in page.text
    assert client.get(_edit_url(item)).status_code == 403
    assert _submit(client, item).status_code == 403
    assert _fresh(item).review_state == item.review_state


def test_headquarters_is_not_offered_to_submit_a_returned_project(client_for, gao_officer, hq_user):
    project = _returned("project", by=gao_officer, reviewer=hq_user)

    response = client_for(hq_user).get(f"/projects/{project.pk}/status/")

    assert response.context["moves"] == ["cancel"]
    assert 'value="submit"' not in response.text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("editor", ["gao_officer", "gao_colleague"])
def test_the_office_that_submitted_a_returned_item_edits_and_submits_it_again(
    request, client_for, gao_officer, hq_user, kind, editor
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)
    client = client_for(request.getfixturevalue(editor))

    page = client.get(item.get_absolute_url())

    assert page.context["can_edit"] is True
    assert f'href="{_edit_url(item)}"' in page.text
    assert _submit_button(item) in page.text
    assert client.get(_edit_url(item)).status_code == 200
    response = _submit(client, item)
    assert response.status_code == 302
    assert _fresh(item).awaits_review


@pytest.mark.parametrize("kind", KINDS)
def test_another_regional_office_neither_reads_nor_edits_a_returned_item(
    client_for, gao_officer, hq_user, mopti_officer, kind
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)
    client = client_for(mopti_officer)

    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(_edit_url(item)).status_code == 403
    assert _submit(client, item).status_code == 403
    assert _fresh(item).review_state == item.review_state


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reader", ["viewer", "fund_manager"])
def test_readers_may_not_edit_a_returned_item(
    request, client_for, gao_officer, hq_user, kind, reader
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)

    assert client_for(request.getfixturevalue(reader)).get(_edit_url(item)).status_code == 403


def test_an_item_headquarters_submitted_is_returned_to_headquarters(client_for, hq_user):
    colleague = UserFactory(role=Role.HQ_OFFICER, office=Office.objects.get(name="Bamako"))
    gao_officer = UserFactory(role=Role.REGIONAL_OFFICER, office=Office.objects.get(name="Gao"))
    update = _returned("update", by=hq_user, reviewer=colleague)

    assert client_for(colleague).get(_edit_url(update)).status_code == 200
    assert client_for(gao_officer).get(_edit_url(update)).status_code == 403


# --- Every path: the services refuse as the pages do ------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["hq_user", "mopti_officer"])
def test_the_workflow_refuses_to_submit_a_returned_item_from_outside_its_office(
    request, gao_officer, hq_user, kind, who
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)

    with pytest.raises(PermissionDenied):
        review.submit(_fresh(item), by=request.getfixturevalue(who), notify=False)

    assert _fresh(item).review_state == item.review_state


def test_the_services_of_projects_and_plans_refuse_it_too(gao_officer, hq_user):
    project = _returned("project", by=gao_officer, reviewer=hq_user)
    plan = _returned("plan", by=gao_officer, reviewer=hq_user)

    with pytest.raises(PermissionDenied):
        project_services.move(_fresh(project), by=hq_user, step="submit", notify=False)
    with pytest.raises(PermissionDenied):
        region_services.send_plan_for_review(_fresh(plan), by=hq_user, notify=False)


def test_the_submitter_s_office_submits_it_through_the_services(
    gao_officer, gao_colleague, hq_user
):
    update = _returned("update", by=gao_officer, reviewer=hq_user)

    update = review.submit(_fresh(update), by=gao_colleague, notify=False)

    assert update.awaits_review
    assert update.submitted_by == gao_colleague


# --- Queries ------------------------------------------------------------------------------


def _queries(client, url: str) -> list[str]:
    """The queries of the page at `url`, once its kept sections and cached
    figures are in place."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize("kind", KINDS)
def test_the_banner_reads_its_event_in_one_query_however_often_the_item_came_back(
    client_for, gao_officer, hq_user, kind
):
    item = _returned(kind, by=gao_officer, reviewer=hq_user)
    client = client_for(hq_user)
    once = _queries(client, item.get_absolute_url())
    for round_ in range(2):
        item = review.submit(_fresh(item), by=gao_officer, notify=False)
        item = review.return_for_changes(
            item, by=hq_user, comment=f"Reprise {round_}.", notify=False
        )

    queries = _queries(client, item.get_absolute_url())

    if kind not in ("project", "plan"):  # their history of changes reads more as it grows
        assert len(queries) == len(once)
    # The latest return with who made it: one query (a window over the events).
    banner = [sql for sql in queries if "reviews_reviewevent" in sql and "'reopened'" in sql]
    assert len(banner) == 1
