"""My queue (/reviews/): what awaits my review, what was returned to me, my
drafts; and the navigation badge that counts them."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from regions.models import PlanUpdate, RegionalPlan
from reviews import services as review
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import PlanFactory, PlanUpdateFactory, PriorityProgressFactory, UserFactory


@pytest.fixture
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def plan(db):
    """One validated plan for every update: a region has one per period."""
    return PlanFactory(status=RegionalPlan.Status.VALIDATED)


def submitted(plan, *, by) -> PlanUpdate:
    update = PriorityProgressFactory(update__plan=plan).update
    return review.submit(update, by=by)


def returned(plan, *, to, by) -> PlanUpdate:
    return review.return_for_changes(submitted(plan, by=to), by=by, comment="À revoir.")


def test_hq_officer_sees_what_awaits_their_review_but_not_their_own_submissions(
    plan, client_for, hq_user, gao_officer, english
):
    theirs = submitted(plan, by=gao_officer)
    submitted(plan, by=hq_user)

    response = client_for(hq_user).get("/reviews/")

    assert response.status_code == 200
    assert response.context["sections"]["awaiting"].items == [theirs]
    page = response.text
    assert "Awaiting my review" in page
    assert f'<a href="/plans/updates/{theirs.pk}/">{theirs}</a>' in page
    assert "Plan update" in page
    assert '<span class="badge badge--warning">submitted</span>' in page
    assert str(gao_officer) in page


def test_regional_officer_sees_returned_items_and_drafts_but_no_review_section(
    plan, client_for, gao_officer, hq_user, english
):
    back = returned(plan, to=gao_officer, by=hq_user)
    draft = PlanUpdateFactory(plan=plan, created_by=gao_officer)
    PlanUpdateFactory(plan=plan)  # someone else's draft
    submitted(plan, by=UserFactory(role=Role.REGIONAL_OFFICER))  # not theirs to review

    response = client_for(gao_officer).get("/reviews/")

    sections = response.context["sections"]
    assert sections["returned"].items == [back]
    assert sections["drafts"].items == [draft]
    assert sections["awaiting"].items == []
    page = response.text
    assert "Awaiting my review" not in page
    assert '<span class="badge badge--danger">returned</span>' in page
    assert '<span class="badge badge--muted">draft</span>' in page
    assert f'href="/plans/updates/{draft.pk}/"' in page


def test_empty_queue_says_so(client_for, hq_user, english):
    page = client_for(hq_user).get("/reviews/").text

    assert "Nothing awaits your review." in page
    assert "Nothing has been returned to you." in page
    assert "You have no draft." in page


def test_queue_shows_the_oldest_items_and_the_total_beyond_the_limit(
    plan, client_for, hq_user, gao_officer, english, monkeypatch
):
    monkeypatch.setattr("reviews.queue.SECTION_LIMIT", 2)
    updates = [submitted(plan, by=gao_officer) for _ in range(3)]
    start = timezone.now() - datetime.timedelta(days=10)
    for days, update in zip([2, 0, 1], updates, strict=True):
        PlanUpdate.objects.filter(pk=update.pk).update(
            submitted_at=start + datetime.timedelta(days=days)
        )

    response = client_for(hq_user).get("/reviews/")

    section = response.context["sections"]["awaiting"]
    assert (section.total, section.items) == (3, [updates[1], updates[2]])
    assert "Showing the 2 oldest of 3." in response.text


def test_navigation_badge_counts_what_awaits_me(plan, client_for, hq_user, gao_officer, english):
    submitted(plan, by=gao_officer)
    submitted(plan, by=gao_officer)
    returned(plan, to=hq_user, by=UserFactory(role=Role.HQ_OFFICER))

    # Two await the HQ officer's review, one was returned to them; the
    # officer's submissions await someone else.
    assert client_for(hq_user).get("/").context["review_queue_count"] == 3
    assert client_for(gao_officer).get("/").context["review_queue_count"] == 0


def test_queue_requires_sign_in(client, db):
    response = client.get("/reviews/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 8])
def test_queue_query_count_does_not_grow(
    plan, client_for, hq_user, gao_officer, django_assert_num_queries, rows
):
    colleague = UserFactory(role=Role.HQ_OFFICER)
    for _ in range(rows):
        submitted(plan, by=gao_officer)
        returned(plan, to=hq_user, by=colleague)
        PlanUpdateFactory(plan=plan, created_by=hq_user)
    client = client_for(hq_user)
    # for each section (awaiting, returned, my submissions, drafts) and each
    # reviewed model (plan updates, indicator reports, progress reports,
    # projects, regional plans) the rows with what their titles and regions
    # name (a count only beyond the section's limit); the comments of the
    # returned items; the regions of the filter form; the reports overdue in
    # the offices (the projects and plans that report, the plans'
    # obligations, their updates, the days these were first sent) and the
    # regions the reader writes for, for the links.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4 * 5 + 1 + 1 + 6):
        response = client.get("/reviews/")
    sections = response.context["sections"]
    assert [len(sections[name].items) for name in ("awaiting", "returned", "drafts")] == [rows] * 3
