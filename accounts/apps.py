from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Security events (sign-ins, lockouts, role changes) to the `security`
        # log: logging only, nothing is decided there.
        from accounts import security_log
        from core import cached_figures

        security_log.connect_signals()
        # People's names, offices and roles appear in cached figures and
        # sections, and decide what each person may see (a sign-in's date
        # changes nothing: `cached_figures.IGNORED_FIELDS`).
        cached_figures.watch(*self.get_models())
        # The second factor still owed is noted in the session at each sign-in.
        from django.contrib.auth.signals import user_logged_in

        from accounts import two_factor

        user_logged_in.connect(two_factor.on_signed_in, dispatch_uid="two_factor.step")
