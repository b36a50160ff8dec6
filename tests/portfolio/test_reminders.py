"""Reminder e-mails (`manage.py send_reminders`), delivered to a real SMTP
server while the clock moves: before the due date, on it, weekly while
overdue, never twice, in the recipient's language, with links to the portal
and typed text escaped."""

import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.roles import Role
from coordination.models import Decision
from portfolio.models import ReminderSent
from projects.models import Project
from regions.models import Region, RegionalPlan
from reviews import services as review
from tests.factories import (
    DecisionFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
)
from tests.smtp import html_of, smtp_server, text_of

PORTAL_URL = "https://portal.example.test:8443"
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")

# The QIP below ends on 31 March 2027: its completion report is due 30 days
# later, on Friday 30 April 2027.
DUE = datetime.date(2027, 4, 30)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def smtp(settings):
    settings.PORTAL_URL = PORTAL_URL
    settings.REMINDER_DAYS_BEFORE = [7]
    # No day of the week (1-7): no digest, except in the tests of the digest.
    settings.REMINDER_DIGEST_WEEKDAY = 0
    with smtp_server(settings) as server:
        yield server


def run(when: datetime.date, *options: str) -> str:
    """`send_reminders` at 6 in the morning of `when`, as cron runs it."""
    out = io.StringIO()
    with time_machine.travel(datetime.datetime.combine(when, datetime.time(6), BAMAKO), tick=False):
        call_command("send_reminders", *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def focal_point(db):
    return UserFactory(username="focal", language="en", first_name="Awa", last_name="Maïga")


@pytest.fixture
def project(focal_point):
    return ProjectFactory(
        title="Réhabilitation du forage de Ansongo",
        status=Project.Status.ONGOING,
        planned_start=day("2027-01-01"),
        planned_end=day("2027-03-31"),
        focal_point=focal_point,
    )


def recipients(smtp) -> list[str]:
    return sorted(message["To"] for message in smtp.messages)


def test_reminder_goes_days_before_to_the_focal_point_and_the_office_once(
    smtp, project, focal_point, gao_officer, mopti_officer, hq_user
):
    assert "0 e-mail(s) sent" in run(DUE - datetime.timedelta(days=8))
    assert smtp.messages == []

    output = run(DUE - datetime.timedelta(days=7))

    assert "2 e-mail(s) sent" in output
    assert recipients(smtp) == sorted([focal_point.email, gao_officer.email])
    (message,) = smtp.to(focal_point.email)
    assert message["Subject"] == "Reminder: 1 item needs your attention"
    assert "Completion report" in text_of(message)
    assert "due in 7 days, on 30 April 2027" in text_of(message)
    assert project.code in text_of(message)

    smtp.clear()
    assert "0 e-mail(s) sent" in run(DUE - datetime.timedelta(days=7))
    assert "0 e-mail(s) sent" in run(DUE - datetime.timedelta(days=6))
    assert smtp.messages == []
    assert ReminderSent.objects.filter(occasion="before-7").count() == 2


def test_a_missed_day_is_made_up_at_the_next_run(smtp, project, focal_point):
    run(DUE - datetime.timedelta(days=5))

    (message,) = smtp.to(focal_point.email)
    assert "due in 5 days" in text_of(message)


def test_reminder_goes_on_the_due_date(smtp, project, focal_point, gao_officer):
    run(DUE - datetime.timedelta(days=7))
    smtp.clear()

    run(DUE)

    assert recipients(smtp) == sorted([focal_point.email, gao_officer.email])
    assert "due today, 30 April 2027" in text_of(smtp.to(focal_point.email)[0])


def test_reminder_goes_once_a_week_while_overdue(smtp, project, focal_point):
    sent_on = []
    day_after = DUE + datetime.timedelta(days=1)
    for offset in range(22):
        when = day_after + datetime.timedelta(days=offset)
        smtp.clear()
        run(when)
        if smtp.to(focal_point.email):
            sent_on.append(when)

    # The day after the due date, then every seventh day: never twice a week.
    assert sent_on == [day("2027-05-01"), day("2027-05-08"), day("2027-05-15"), day("2027-05-22")]
    smtp.clear()
    run(day("2027-05-08"))
    assert smtp.messages == []


def test_overdue_reminder_says_how_late(smtp, project, focal_point):
    run(day("2027-05-08"))

    (message,) = smtp.to(focal_point.email)
    assert "overdue by 8 days (due on 30 April 2027)" in text_of(message)


def test_submitted_report_stops_the_reminders(smtp, project, focal_point, gao_officer):
    run(DUE - datetime.timedelta(days=7))
    report = ProgressReportFactory(
        project=project,
        period_start=day("2027-01-01"),
        period_end=day("2027-03-31"),
        is_final=True,
        percent_complete=100,
        created_by=gao_officer,
    )
    # A draft does not answer it yet.
    smtp.clear()
    run(DUE)
    assert recipients(smtp) == sorted([focal_point.email, gao_officer.email])

    with time_machine.travel(datetime.datetime(2027, 5, 2, 9, tzinfo=BAMAKO), tick=False):
        review.submit(report, by=gao_officer, notify=False)
    smtp.clear()
    run(day("2027-05-03"))
    run(day("2027-05-10"))

    assert smtp.messages == []


@pytest.mark.parametrize(
    "status", [Project.Status.APPROVED, Project.Status.COMPLETED, Project.Status.CANCELLED]
)
def test_only_ongoing_projects_are_reminded(smtp, focal_point, status):
    ProjectFactory(
        status=status,
        planned_start=day("2027-01-01"),
        planned_end=day("2027-03-31"),
        focal_point=focal_point,
    )

    run(DUE)
    run(DUE + datetime.timedelta(days=1))

    assert smtp.messages == []


def test_plan_update_reminder_goes_to_the_office_of_the_plans_region(
    smtp, gao_officer, mopti_officer, hq_user
):
    # A validated plan reports every quarter, 15 days after it: the update on
    # the first quarter of 2027 is due on 15 April.
    plan = PlanFactory(
        status=RegionalPlan.Status.VALIDATED,
        region=Region.objects.get(code="ML-9"),  # Ménaka, covered by the Gao office
        period_start=day("2027-01-01"),
        period_end=day("2027-12-31"),
    )
    PlanFactory(
        status=RegionalPlan.Status.DRAFT,
        region=Region.objects.get(code="ML-5"),
        period_start=day("2027-01-01"),
        period_end=day("2027-12-31"),
    )

    run(day("2027-04-08"))

    (message,) = smtp.messages
    assert message["To"] == gao_officer.email
    assert "15 avril 2027" in text_of(message)
    assert f"{PORTAL_URL}/plans/{plan.pk}/" in text_of(message)


def test_decision_reminders_go_to_its_owner_while_it_is_open(smtp, gao_officer, hq_user):
    decision = DecisionFactory(owner_user=gao_officer, due_date=DUE, text="Recenser les sites")
    DecisionFactory(owner_user=hq_user, due_date=DUE, status=Decision.Status.DONE)

    run(DUE - datetime.timedelta(days=7))
    run(DUE)
    run(DUE + datetime.timedelta(days=3))

    assert len(smtp.to(gao_officer.email)) == 3
    assert smtp.to(hq_user.email) == []
    assert f"{PORTAL_URL}/coordination/decisions/{decision.pk}/" in html_of(smtp.messages[-1])

    decision.status = Decision.Status.DONE
    decision.save()
    smtp.clear()
    run(DUE + datetime.timedelta(days=10))
    assert smtp.messages == []


def test_several_items_for_one_person_go_in_one_email(smtp, project, gao_officer):
    gao_officer.language = "en"
    gao_officer.save(update_fields=["language"])
    DecisionFactory(owner_user=gao_officer, due_date=DUE, text="Recenser les sites")

    run(DUE)

    (message,) = smtp.to(gao_officer.email)
    assert message["Subject"] == "Reminder: 2 items need your attention"
    assert project.code in text_of(message)
    assert "Recenser les sites" in text_of(message)
    assert ReminderSent.objects.filter(recipient=gao_officer).count() == 2


def test_each_email_is_in_its_recipients_language(smtp, project, focal_point, gao_officer):
    assert focal_point.language == "en" and gao_officer.language == "fr"

    run(DUE)

    english = text_of(smtp.to(focal_point.email)[0])
    french = text_of(smtp.to(gao_officer.email)[0])
    assert english.startswith("Hello Awa Maïga,") and "30 April 2027" in english
    assert french.startswith("Bonjour") and "30 avril 2027" in french
    assert "April" not in french


def test_every_link_starts_with_portal_url(smtp, project, focal_point):
    run(DUE)

    (message,) = smtp.messages
    links = re.findall(r'href="([^"]+)"', html_of(message))
    assert f"{PORTAL_URL}/projects/{project.pk}/" in links
    assert links and all(link.startswith(PORTAL_URL + "/") for link in links)
    assert f"{PORTAL_URL}/projects/{project.pk}/" in text_of(message)


def test_typed_text_is_escaped_in_the_html_email(smtp, focal_point):
    ProjectFactory(
        title='<script>alert("x")</script> & <b>puits</b>',
        status=Project.Status.ONGOING,
        planned_start=day("2027-01-01"),
        planned_end=day("2027-03-31"),
        focal_point=focal_point,
    )
    DecisionFactory(owner_user=focal_point, due_date=DUE, text="<img src=x onerror=alert(1)>")

    run(DUE)

    (message,) = smtp.messages
    html = html_of(message)
    assert "<script>" not in html and "<b>puits</b>" not in html and "<img" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;puits&lt;/b&gt;" in html
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # The plain text shows what was typed, as typed.
    assert '<script>alert("x")</script> & <b>puits</b>' in text_of(message)


def test_inactive_people_and_people_without_an_address_are_not_reminded(smtp, gao_officer):
    gone = UserFactory(username="gone", is_active=False)
    no_mail = UserFactory(username="no_mail", email="")
    for owner in (gone, no_mail):
        DecisionFactory(owner_user=owner, due_date=DUE)

    run(DUE)

    assert smtp.messages == []


# --- The weekly digest ---------------------------------------------------------


@pytest.fixture
def digest_on_mondays(settings):
    settings.REMINDER_DIGEST_WEEKDAY = 1


MONDAY = day("2027-04-26")


def test_digest_goes_once_a_week(smtp, digest_on_mondays, gao_officer):
    decision = DecisionFactory(owner_user=gao_officer, due_date=day("2027-06-30"), text="Réunir")

    run(MONDAY)
    run(MONDAY + datetime.timedelta(days=1))
    run(MONDAY + datetime.timedelta(days=6))
    (message,) = smtp.messages
    assert message["To"] == gao_officer.email
    assert "Réunir" in text_of(message)
    assert f"{PORTAL_URL}/coordination/decisions/{decision.pk}/" in text_of(message)
    assert f"{PORTAL_URL}/accounts/profile/" in text_of(message)

    smtp.clear()
    run(MONDAY + datetime.timedelta(days=7))
    assert [message["To"] for message in smtp.messages] == [gao_officer.email]


def test_digest_lists_reports_returned_items_and_what_awaits_review(
    smtp, digest_on_mondays, project, gao_officer, hq_user
):
    report = ProgressReportFactory(
        project=project,
        period_start=day("2027-01-01"),
        period_end=day("2027-02-28"),
        created_by=gao_officer,
        narrative="Travaux <en cours>",
    )
    review.submit(report, by=gao_officer, notify=False)
    hq_user.language = "en"
    hq_user.save(update_fields=["language"])

    run(MONDAY)

    to_hq = text_of(smtp.to(hq_user.email)[0])
    assert "Awaiting your review:" in to_hq
    assert f"{PORTAL_URL}{report.get_absolute_url()}" in to_hq
    # The office: the completion report due on 30 April.
    to_office = text_of(smtp.to(gao_officer.email)[0])
    assert project.code in to_office

    review.return_for_changes(report, by=hq_user, comment="Préciser", notify=False)
    smtp.clear()
    run(MONDAY + datetime.timedelta(days=7))
    to_office = text_of(smtp.to(gao_officer.email)[0])
    assert f"{PORTAL_URL}{report.get_absolute_url()}" in to_office


def test_no_digest_for_who_turned_it_off_but_overdue_reminders_still_go(
    smtp, digest_on_mondays, gao_officer
):
    gao_officer.receives_digest = False
    gao_officer.save(update_fields=["receives_digest"])
    DecisionFactory(owner_user=gao_officer, due_date=day("2027-06-30"), text="Plus tard")
    DecisionFactory(owner_user=gao_officer, due_date=day("2027-04-12"), text="En retard")

    run(MONDAY)

    (message,) = smtp.messages
    text = text_of(message)
    assert "En retard" in text and "Plus tard" not in text
    assert not ReminderSent.objects.filter(key="digest").exists()


def test_nothing_awaiting_means_no_digest(smtp, digest_on_mondays, gao_officer, hq_user):
    run(MONDAY)

    assert smtp.messages == []


# --- The command ----------------------------------------------------------------


def test_dry_run_lists_and_sends_nothing(smtp, project, focal_point, gao_officer):
    output = run(DUE, "--dry-run")

    assert focal_point.email in output and "(due)" in output
    assert "2 e-mail(s) would be sent" in output
    assert smtp.messages == [] and not ReminderSent.objects.exists()


def test_date_replays_a_missed_day(smtp, project, focal_point, gao_officer):
    output = run(DUE + datetime.timedelta(days=3), "--date", DUE.isoformat())

    assert "2 e-mail(s) sent for 2027-04-30" in output
    assert "due today" in text_of(smtp.to(focal_point.email)[0])


def test_a_failed_email_is_not_logged_and_goes_at_the_next_run(
    smtp, project, focal_point, gao_officer
):
    smtp.refuse.add(focal_point.email)

    with pytest.raises(CommandError, match="1 e-mail"):
        run(DUE)

    assert recipients(smtp) == [gao_officer.email]
    assert not ReminderSent.objects.filter(recipient=focal_point).exists()

    smtp.refuse.clear()
    smtp.clear()
    run(DUE)
    assert recipients(smtp) == [focal_point.email]


def test_regional_head_of_office_is_reminded_and_headquarters_is_not(
    smtp, tombouctou_head, hq_user
):
    ProjectFactory(
        region=Region.objects.get(code="ML-10"),  # Taoudénit, Tombouctou's office
        status=Project.Status.ONGOING,
        planned_start=day("2027-01-01"),
        planned_end=day("2027-03-31"),
    )
    UserFactory(username="tombouctou_officer", role=Role.VIEWER, office=tombouctou_head.office)

    run(DUE)

    assert recipients(smtp) == [tombouctou_head.email]
