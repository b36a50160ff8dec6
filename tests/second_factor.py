"""A test session that has given its second factor, for code that signs in
outside pytest's fixtures (a process of its own), where the sign-in owes the
step as in production."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def give_second_factor(client, user) -> None:
    """What a right code leaves in the session of `client`, signed in as
    `user`: verified by a confirmed authenticator (as `django_otp.login`),
    no step owed."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="authenticator", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop(two_factor.STEP_SESSION_KEY, None)
    session.save()
