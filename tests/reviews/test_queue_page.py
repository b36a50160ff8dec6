"""My queue (/reviews/) as people work from it: the section of my submissions
still awaiting review, who returned what to me and why, the filters by
region, kind of record and age, oldest first in every section."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from projects.models import IndicatorReport, ProgressReport
from regions.models import Office, PlanUpdate, Region, RegionalPlan
from reviews import services as review
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    IndicatorReportFactory,
    PlanFactory,
    PlanUpdateFactory,
    PriorityProgressFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
)

GAO, MOPTI = "ML-7", "ML-5"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def colleague(db):
    """A second headquarters officer: reviews what the first one submits."""
    return UserFactory(role=Role.HQ_OFFICER, office=Office.objects.get(name="Bamako"))


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def validated_plan(region: str = GAO) -> RegionalPlan:
    """The region's validated plan (one per region and period)."""
    plan = RegionalPlan.objects.filter(
        region__code=region, status=RegionalPlan.Status.VALIDATED
    ).first()
    return plan or PlanFactory(region=_region(region), status=RegionalPlan.Status.VALIDATED)


def plan_update(*, region: str = GAO, by=None) -> PlanUpdate:
    """An update of the region's validated plan with its progress reported
    (submittable); submitted by `by` when given."""
    update = PriorityProgressFactory(update__plan=validated_plan(region)).update
    return review.submit(update, by=by, notify=False) if by else update


def progress_report(*, region: str = GAO, by=None) -> ProgressReport:
    report = ProgressReportFactory(project=ProjectFactory(region=_region(region)))
    return review.submit(report, by=by, notify=False) if by else report


def indicator_report(*, region: str = GAO, by=None) -> IndicatorReport:
    report = IndicatorReportFactory(indicator__project=ProjectFactory(region=_region(region)))
    return review.submit(report, by=by, notify=False) if by else report


def returned(item, *, by, comment: str = "Préciser les chiffres."):
    return review.return_for_changes(item, by=by, comment=comment, notify=False)


def days_ago(item, days: int, field: str) -> None:
    """Move the item's `field` (its submission, return or last change) back."""
    moment = timezone.now() - datetime.timedelta(days=days)
    type(item).objects.filter(pk=item.pk).update(**{field: moment})


def queue(client, **filters):
    return client.get("/reviews/", filters)


# --- Sections -------------------------------------------------------------------------


def test_my_submissions_still_waiting_lists_what_I_submitted_and_nobody_reviewed_yet(
    client_for, gao_officer, hq_user
):
    waiting = plan_update(by=gao_officer)
    report = progress_report(by=gao_officer)
    returned(progress_report(by=gao_officer), by=hq_user)  # returned: not waiting
    review.approve(indicator_report(by=gao_officer), by=hq_user, notify=False)  # reviewed
    plan_update(by=UserFactory(role=Role.REGIONAL_OFFICER))  # someone else's

    response = queue(client_for(gao_officer))

    section = response.context["sections"]["submitted"]
    assert (section.total, set(section.items)) == (2, {waiting, report})
    page = response.text
    assert "My submissions still waiting" in page
    assert f'href="{waiting.get_absolute_url()}"' in page
    assert f'href="{report.get_absolute_url()}"' in page
    assert "Progress report" in page and "Plan update" in page


def test_returned_to_me_shows_who_returned_each_item_when_and_why(
    client_for, gao_officer, hq_user, colleague
):
    update = returned(plan_update(by=gao_officer), by=hq_user, comment="Chiffres de Gao à revoir.")
    report = returned(
        progress_report(by=gao_officer), by=colleague, comment="Joindre les photos du chantier."
    )

    response = queue(client_for(gao_officer))

    items = response.context["sections"]["returned"].items
    assert set(items) == {update, report}
    events = {item: item.return_event for item in items}
    assert (events[update].actor, events[update].comment) == (hq_user, "Chiffres de Gao à revoir.")
    assert (events[report].actor, events[report].comment) == (
        colleague,
        "Joindre les photos du chantier.",
    )
    page = response.text
    assert "Chiffres de Gao à revoir." in page
    assert "Joindre les photos du chantier." in page
    assert str(hq_user) in page and str(colleague) in page


def test_returned_to_me_shows_the_latest_return_of_an_item_returned_twice(
    client_for, gao_officer, hq_user
):
    update = returned(plan_update(by=gao_officer), by=hq_user, comment="Première remarque.")
    update = review.submit(update, by=gao_officer, notify=False)
    returned(update, by=hq_user, comment="Seconde remarque.")

    response = queue(client_for(gao_officer))

    [item] = response.context["sections"]["returned"].items
    assert item.return_event.comment == "Seconde remarque."
    assert "Seconde remarque." in response.text
    assert "Première remarque." not in response.text


def test_a_comment_in_the_queue_is_shown_as_text(client_for, gao_officer, hq_user):
    returned(plan_update(by=gao_officer), by=hq_user, comment="<script>alert(1)</script>")

    page = queue(client_for(gao_officer)).text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_every_section_says_when_it_is_empty(client_for, hq_user):
    page = queue(client_for(hq_user)).text

    assert "Nothing awaits your review." in page
    assert "Nothing has been returned to you." in page
    assert "Nothing you submitted awaits review." in page
    assert "You have no draft." in page


def test_a_regional_officer_has_no_review_section_but_the_three_others(client_for, gao_officer):
    page = queue(client_for(gao_officer)).text

    assert "Awaiting my review" not in page
    assert "Returned to me" in page
    assert "My submissions still waiting" in page
    assert "My drafts" in page


# --- Oldest first -----------------------------------------------------------------------


def test_every_section_lists_the_oldest_first_across_kinds_of_record(
    client_for, hq_user, colleague, gao_officer
):
    # Awaiting my review: by submission.
    awaiting = [plan_update(by=gao_officer), progress_report(by=gao_officer)]
    awaiting.append(indicator_report(by=gao_officer))
    for days, item in zip([5, 20, 10], awaiting, strict=True):
        days_ago(item, days, "submitted_at")
    # My submissions still waiting: by submission.
    mine = [progress_report(by=hq_user), plan_update(by=hq_user)]
    for days, item in zip([3, 8], mine, strict=True):
        days_ago(item, days, "submitted_at")
    # Returned to me: by return.
    back = [returned(plan_update(by=hq_user), by=colleague)]
    back.append(returned(indicator_report(by=hq_user), by=colleague))
    for days, item in zip([2, 40], back, strict=True):
        days_ago(item, days, "reviewed_at")
    # My drafts: by last change.
    drafts = [
        PlanUpdateFactory(plan=validated_plan(), created_by=hq_user),
        ProgressReportFactory(created_by=hq_user),
    ]
    for days, item in zip([1, 60], drafts, strict=True):
        days_ago(item, days, "updated_at")

    sections = queue(client_for(hq_user)).context["sections"]

    assert sections["awaiting"].items == [awaiting[1], awaiting[2], awaiting[0]]
    assert sections["submitted"].items == [mine[1], mine[0]]
    assert sections["returned"].items == [back[1], back[0]]
    assert sections["drafts"].items == [drafts[1], drafts[0]]


# --- Filters ----------------------------------------------------------------------------


def test_the_filters_are_a_plain_form_sent_by_get(client_for, hq_user):
    page = queue(client_for(hq_user)).text

    assert '<form class="filters" method="get" action="/reviews/"' in page
    assert '<select name="region"' in page
    assert '<select name="kind"' in page
    assert '<select name="older_than"' in page
    for kind in ["Indicator report", "Plan update", "Progress report", "Project", "Regional plan"]:
        assert f">{kind}</option>" in page
    for days in [7, 30, 90]:
        assert f'<option value="{days}">Older than {days} days</option>' in page


def test_filter_by_region_keeps_that_region_in_every_section(
    client_for, hq_user, colleague, gao_officer, mopti_officer
):
    gao_update = plan_update(by=gao_officer)
    mopti_report = progress_report(region=MOPTI, by=mopti_officer)
    mopti_returned = returned(indicator_report(region=MOPTI, by=hq_user), by=colleague)
    returned(plan_update(by=hq_user), by=colleague)  # in Gao

    response = queue(client_for(hq_user), region=_region(MOPTI).pk)

    sections = response.context["sections"]
    assert sections["awaiting"].items == [mopti_report]
    assert sections["returned"].items == [mopti_returned]
    assert gao_update.get_absolute_url() not in response.text
    # The chosen region stays selected.
    assert f'<option value="{_region(MOPTI).pk}" selected>' in response.text


def test_filter_by_kind_keeps_that_kind_of_record(client_for, hq_user, gao_officer):
    plan_update(by=gao_officer)
    report = progress_report(by=gao_officer)
    indicator_report(by=gao_officer)

    response = queue(client_for(hq_user), kind="projects.progressreport")

    assert response.context["sections"]["awaiting"].items == [report]


def test_filter_by_age_keeps_what_waits_for_longer(client_for, hq_user, colleague, gao_officer):
    recent, old, very_old = (plan_update(by=gao_officer) for _ in range(3))
    days_ago(old, 35, "submitted_at")
    days_ago(very_old, 100, "submitted_at")
    recent_return = returned(progress_report(by=hq_user), by=colleague)
    old_return = returned(progress_report(by=hq_user), by=colleague)
    days_ago(recent_return, 3, "reviewed_at")
    days_ago(old_return, 31, "reviewed_at")

    sections = queue(client_for(hq_user), older_than=30).context["sections"]

    assert sections["awaiting"].items == [very_old, old]
    assert sections["returned"].items == [old_return]
    assert queue(client_for(hq_user), older_than=90).context["sections"]["awaiting"].items == [
        very_old
    ]


def test_a_filter_that_finds_nothing_says_so_in_each_section(client_for, hq_user, gao_officer):
    plan_update(by=gao_officer)

    page = queue(client_for(hq_user), kind="regions.regionalplan").text

    assert page.count("Nothing in this section matches the filters.") == 4
    assert "Nothing awaits your review." not in page


def test_an_invalid_filter_shows_its_error_and_no_rows(client_for, hq_user, gao_officer):
    plan_update(by=gao_officer)

    response = queue(client_for(hq_user), older_than=5)

    assert response.status_code == 200
    assert response.context["form"].errors["older_than"]
    assert response.context["sections"]["awaiting"].items == []
    assert "Select a valid choice." in response.text


# --- Queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 6])
@pytest.mark.parametrize("region_filter", [False, True])
def test_queue_query_count_does_not_grow_with_rows_or_kinds(
    client_for, hq_user, colleague, gao_officer, django_assert_num_queries, rows, region_filter
):
    for _ in range(rows):
        plan_update(by=gao_officer)
        progress_report(by=gao_officer)
        returned(plan_update(by=hq_user), by=colleague)
        returned(progress_report(by=hq_user), by=colleague)
        returned(indicator_report(by=hq_user), by=colleague)
        indicator_report(by=hq_user)
        plan_update(by=hq_user)
        PlanUpdateFactory(plan=validated_plan(), created_by=hq_user)
        ProgressReportFactory(created_by=hq_user)
    client = client_for(hq_user)
    filters = {"region": _region(GAO).pk} if region_filter else {}
    # The session and the user; the navigation (role, queue count); for each
    # section (awaiting, returned, my submissions, drafts) and each reviewed
    # model (plan updates, indicator reports, progress reports, projects,
    # regional plans) the rows with their titles and regions, counted only
    # beyond the limit; the comments of the returned items, whatever their
    # kinds (one query); the regions of the filter form, and the region
    # chosen when one is; the reports overdue in the offices (the projects
    # and the plans that report, the plans' obligations, their updates, the
    # days these were first sent; no project reports here, so none of its
    # queries), and the regions the reader writes for, for the links.
    expected = SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4 * 5 + 1 + 1 + int(region_filter) + 6
    with django_assert_num_queries(expected):
        response = client.get("/reviews/", filters)
    sections = response.context["sections"]
    shown = [len(sections[name].items) for name in ("awaiting", "returned", "submitted", "drafts")]
    assert shown == [2 * rows, 3 * rows, 2 * rows, 2 * rows]
    assert all(item.return_event for item in sections["returned"].items)
