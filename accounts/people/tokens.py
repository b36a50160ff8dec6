"""The one-time link of an invitation."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token under a salt of its own, valid for
    `INVITATION_DAYS` rather than `PASSWORD_RESET_TIMEOUT`.

    Once used it is worthless: it is made from the password hash, which the
    invitee's new password replaces. Deactivating the person revokes it too:
    it is made from the active flag as well."""

    key_salt = "accounts.people.tokens.InvitationTokenGenerator"

    @property
    def timeout(self) -> int:
        return settings.INVITATION_DAYS * 24 * 60 * 60

    def _make_hash_value(self, user, timestamp):
        return super()._make_hash_value(user, timestamp) + str(user.is_active)

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            stamp, _hash = token.split("-")
            timestamp = base36_to_int(stamp)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > self.timeout:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokenGenerator()
