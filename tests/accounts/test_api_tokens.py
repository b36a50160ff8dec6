"""Personal tokens of the read API: made and revoked on the profile page,
shown once, stored hashed, with an expiry and a last-used date; read-only;
throttled per token."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import api_tokens
from accounts.api_auth import TokenRateThrottle
from accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/"


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_the_profile_page_lists_ones_own_tokens_and_offers_a_new_one(client_for, viewer, hq_user):
    api_tokens.create_token(user=viewer, name="Tableau du donateur", days=30)
    api_tokens.create_token(user=hq_user, name="Script du siège", days=30)

    response = client_for(viewer).get(reverse("profile"))

    assert response.status_code == 200
    assert "Tableau du donateur" in response.text
    assert "Script du siège" not in response.text
    assert reverse("api_token_create") in response.text


def test_a_new_token_is_shown_once_uncompressed_and_not_cached_and_only_its_hash_is_kept(
    client_for, viewer
):
    client = client_for(viewer)
    response = client.post(
        reverse("api_token_create"),
        {"name": "Tableau du donateur", "days": "90"},
        headers={"Accept-Encoding": "gzip"},
    )

    assert response.status_code == 200
    assert "gzip" not in response.get("Content-Encoding", "")
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret in response.text
    token = ApiToken.objects.get(user=viewer)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    assert secret not in {token.digest, token.name, token.prefix}
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    # The profile page never shows it again; it is compressed, as any page
    # without a secret (so the answer above was left uncompressed on purpose).
    assert secret not in client.get(reverse("profile")).text
    profile = client.get(reverse("profile"), headers={"Accept-Encoding": "gzip"})
    assert profile["Content-Encoding"] == "gzip"


def test_a_token_without_a_name_or_with_an_unknown_lifetime_is_not_made(client_for, viewer):
    response = client_for(viewer).post(reverse("api_token_create"), {"name": "", "days": "9999"})

    assert response.status_code == 200
    assert response.context["api_token_form"].errors.keys() == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_a_token_reads_the_api_as_its_owner_and_notes_its_last_use(client):
    owner = UserFactory(username="lecteur")
    token, secret = api_tokens.create_token(user=owner, name="x", days=30)

    response = client.get(PROJECTS, headers=_bearer(secret))

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_last_use_is_written_at_most_once_a_minute(client, viewer):
    token, secret = api_tokens.create_token(user=viewer, name="x", days=30)
    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    client.get(PROJECTS, headers=_bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == recent

    old = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    client.get(PROJECTS, headers=_bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > old


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_an_expired_revoked_or_unknown_token_is_refused(client, viewer, state):
    token, secret = api_tokens.create_token(user=viewer, name="x", days=30)
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif state == "revoked":
        api_tokens.revoke_token(token=token, by=viewer)
    else:
        secret = "not-" + secret

    response = client.get(PROJECTS, headers=_bearer(secret))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_of_a_deactivated_person_is_refused(client, viewer):
    _token, secret = api_tokens.create_token(user=viewer, name="x", days=30)
    viewer.is_active = False
    viewer.save()

    assert client.get(PROJECTS, headers=_bearer(secret)).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_token_only_reads(client, hq_user, method):
    _token, secret = api_tokens.create_token(user=hq_user, name="x", days=30)

    response = getattr(client, method)(PROJECTS, {}, headers=_bearer(secret))

    assert response.status_code == 403


def test_without_credentials_the_api_answers_401(client):
    assert client.get(PROJECTS).status_code == 401


def test_one_revokes_ones_own_token_and_not_another_persons(client_for, viewer, hq_user):
    own, _ = api_tokens.create_token(user=viewer, name="mien", days=30)
    other, _ = api_tokens.create_token(user=hq_user, name="autre", days=30)
    client = client_for(viewer)

    response = client.post(reverse("api_token_revoke", args=[own.pk]))
    assert response.status_code == 302
    assert client.post(reverse("api_token_revoke", args=[other.pk])).status_code == 404

    own.refresh_from_db()
    other.refresh_from_db()
    assert own.revoked_at is not None
    assert other.revoked_at is None


def test_history_records_making_and_revoking_but_not_each_use(client, viewer):
    token, secret = api_tokens.create_token(user=viewer, name="x", days=30)
    client.get(PROJECTS, headers=_bearer(secret))
    api_tokens.revoke_token(token=token, by=viewer)

    records = list(token.history.order_by("history_id"))
    assert [record.history_type for record in records] == ["+", "~"]
    assert records[0].history_user == viewer
    assert records[1].revoked_at is not None


def test_requests_are_throttled_per_token(client, viewer, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "rate", "2/minute", raising=False)
    _first, first_secret = api_tokens.create_token(user=viewer, name="un", days=30)
    _second, second_secret = api_tokens.create_token(user=viewer, name="deux", days=30)

    answers = [client.get(PROJECTS, headers=_bearer(first_secret)).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    # Another token has its own count.
    assert client.get(PROJECTS, headers=_bearer(second_secret)).status_code == 200
