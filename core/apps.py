from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared ground")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import middleware

        # A new session starts its idle time at the sign-in.
        user_logged_in.connect(middleware.stamp_at_sign_in, dispatch_uid="core.stamp_at_sign_in")
