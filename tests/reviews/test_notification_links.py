"""Links in the review e-mails lead to the portal where it really is
(`settings.PORTAL_URL`, which `make run` sets to the address it serves on)."""

import re

import pytest

from reviews import services as review
from tests.factories import PriorityProgressFactory
from tests.smtp import smtp_server, text_of

PORTAL_URL = "http://127.0.0.1:8123"


@pytest.fixture
def smtp(settings):
    settings.PORTAL_URL = PORTAL_URL + "/"
    with smtp_server(settings) as server:
        yield server


def test_review_emails_link_to_portal_url(
    smtp, gao_officer, hq_user, django_capture_on_commit_callbacks
):
    update = PriorityProgressFactory().update
    page = f"{PORTAL_URL}/plans/updates/{update.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        review.submit(update, by=gao_officer)
    with django_capture_on_commit_callbacks(execute=True):
        review.return_for_changes(update, by=hq_user, comment="À compléter")

    submitted, returned = smtp.to(hq_user.email), smtp.to(gao_officer.email)
    assert len(submitted) == 1 and len(returned) == 1
    for message in submitted + returned:
        links = re.findall(r"https?://\S+", text_of(message))
        assert links == [page]
