"""E-mails of the review workflow: who receives them, in which language, and
only once the step is committed."""

import pytest
from django.conf import settings
from django.core import mail

from accounts.roles import Role
from reviews import services as review
from tests.factories import PriorityProgressFactory, UserFactory


@pytest.fixture
def update(db):
    return PriorityProgressFactory().update


@pytest.fixture
def reviewers(hq_user):
    """Two HQ officers who receive e-mails (English, French), and two who do not."""
    hq_user.language = "en"
    hq_user.save(update_fields=["language"])
    french = UserFactory(username="hq_fr", role=Role.HQ_OFFICER, language="fr")
    UserFactory(username="hq_gone", role=Role.HQ_OFFICER, is_active=False)
    UserFactory(username="hq_no_mail", role=Role.HQ_OFFICER, email="")
    return hq_user, french


def url_of(update) -> str:
    return settings.PORTAL_URL.rstrip("/") + f"/plans/updates/{update.pk}/"


def submit_through_the_page(client, update):
    return client.post(f"/plans/updates/{update.pk}/submit/")


def test_submitting_emails_every_active_hq_officer_in_their_language(
    client_for, gao_officer, reviewers, update, django_capture_on_commit_callbacks
):
    english, french = reviewers

    with django_capture_on_commit_callbacks(execute=True):
        submit_through_the_page(client_for(gao_officer), update)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == sorted([english.email, french.email])
    to_english = by_recipient[english.email]
    assert to_english.subject.startswith("To review: Gao: update")
    assert "submitted" in to_english.body and str(gao_officer) in to_english.body
    assert url_of(update) in to_english.body
    to_french = by_recipient[french.email]
    assert to_french.subject.startswith("À examiner : Gao : mise à jour")
    assert "Bonjour" in to_french.body and "submitted" not in to_french.body
    assert url_of(update) in to_french.body


def test_hq_officer_who_submits_is_not_emailed(
    client_for, reviewers, update, django_capture_on_commit_callbacks
):
    english, french = reviewers

    with django_capture_on_commit_callbacks(execute=True):
        submit_through_the_page(client_for(english), update)

    assert [message.to for message in mail.outbox] == [[french.email]]


def test_no_email_before_the_submission_is_committed(
    client_for, gao_officer, reviewers, update, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_through_the_page(client_for(gao_officer), update)

    # The e-mails, besides the figures cache's version (`core.cached_figures`).
    emails = [callback for callback in callbacks if callback.__module__ != "core.cached_figures"]
    assert len(emails) == 1
    assert mail.outbox == []


def test_refused_submission_emails_nobody(
    client_for, gao_officer, reviewers, update, django_capture_on_commit_callbacks
):
    client = client_for(gao_officer)
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_the_page(client, update)
    assert len(mail.outbox) == 2
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        submit_through_the_page(client, update)  # a second click: already submitted

    assert mail.outbox == []


def test_returning_emails_the_submitter_with_the_comment(
    client_for, gao_officer, hq_user, update, django_capture_on_commit_callbacks
):
    gao_officer.language = "en"
    gao_officer.save(update_fields=["language"])
    review.submit(update, by=gao_officer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(hq_user).post(
            f"/plans/updates/{update.pk}/return/", {"comment": "Chiffres de Ménaka manquants."}
        )

    [message] = mail.outbox
    assert message.to == [gao_officer.email]
    assert message.subject.startswith("Returned for changes: Gao: update")
    assert "Chiffres de Ménaka manquants." in message.body
    assert str(hq_user) in message.body
    assert url_of(update) in message.body


def test_approving_emails_the_submitter(
    client_for, gao_officer, hq_user, update, django_capture_on_commit_callbacks
):
    gao_officer.language = "en"
    gao_officer.save(update_fields=["language"])
    review.submit(update, by=gao_officer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(hq_user).post(f"/plans/updates/{update.pk}/approve/", {"comment": "Merci."})

    [message] = mail.outbox
    assert message.to == [gao_officer.email]
    assert message.subject.startswith("Approved: Gao: update")
    assert "Merci." in message.body
    assert url_of(update) in message.body


def test_french_submitter_is_emailed_at_their_address(
    client_for, gao_officer, hq_user, update, django_capture_on_commit_callbacks
):
    review.submit(update, by=gao_officer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(hq_user).post(f"/plans/updates/{update.pk}/approve/")

    [message] = mail.outbox
    assert message.to == [gao_officer.email]
    assert url_of(update) in message.body


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_submitter_without_address_or_account_is_not_emailed(
    client_for, gao_officer, hq_user, update, django_capture_on_commit_callbacks, change
):
    review.submit(update, by=gao_officer)
    for name, value in change.items():
        setattr(gao_officer, name, value)
    gao_officer.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hq_user).post(f"/plans/updates/{update.pk}/approve/")

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.review_status == "approved"
    assert mail.outbox == []
