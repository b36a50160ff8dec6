"""Password-reset requests are throttled per address and per client address,
without telling the requester."""

import json

import pytest

from tests.factories import UserFactory


@pytest.fixture
def person(db):
    return UserFactory(username="awa", email="awa@example.org")


def ask_for_reset(client, email: str, ip: str = "10.0.0.1"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=ip)


def test_eight_requests_in_a_row_send_at_most_three_emails(client, person, mailoutbox):
    responses = [ask_for_reset(client, "awa@example.org") for _ in range(8)]

    assert len(mailoutbox) == 3
    assert {response.status_code for response in responses} == {302}
    assert {response.url for response in responses} == {"/accounts/password_reset/done/"}


def test_address_is_counted_whatever_its_case_or_client(client, person, mailoutbox):
    for number in range(5):
        ask_for_reset(
            client, "AWA@example.org" if number % 2 else "awa@example.org", f"10.0.0.{number}"
        )

    assert len(mailoutbox) == 3


def test_one_client_cannot_flood_many_addresses(db, client, mailoutbox):
    for number in range(15):
        UserFactory(username=f"user{number}", email=f"user{number}@example.org")
    for number in range(15):
        ask_for_reset(client, f"user{number}@example.org")

    assert len(mailoutbox) == 10


def test_throttled_request_is_logged_as_a_security_event(client, person, caplog):
    for _ in range(4):
        ask_for_reset(client, "awa@example.org")

    events = [record for record in caplog.records if record.name == "security"]
    assert [record.event for record in events] == ["password_reset_throttled"]
    assert events[0].user == "awa@example.org"
    assert json.dumps(events[0].details) == "{}"


def test_other_addresses_still_get_their_email(client, person, mailoutbox):
    UserFactory(username="binta", email="binta@example.org")
    for _ in range(4):
        ask_for_reset(client, "awa@example.org")

    ask_for_reset(client, "binta@example.org")

    assert [message.to for message in mailoutbox][-1] == ["binta@example.org"]
