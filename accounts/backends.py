"""The portal's authentication backend: Django's, with the signed-in user of
each request read from the figures cache (`core.cached_figures`) rather than
the database, until a user or their groups change.

Every save of a user replaces the cache's version (`accounts.apps`): a person
deactivated, given another office, or whose password changed (which ends their
other sessions) is read afresh at their next request. Only the date of the
last sign-in is saved without it (`cached_figures.IGNORED_FIELDS`), so the
user a request holds may show the sign-in before; nothing is decided on it."""

from django.contrib.auth.backends import ModelBackend

from core import cached_figures


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        # The cache keeps no None: a user who no longer exists, or may not
        # sign in, is looked for at each request.
        return cached_figures.cached(
            "session-user", lambda: super(PortalBackend, self).get_user(user_id), user_id
        )
