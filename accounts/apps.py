from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Security events (sign-ins, lockouts, role changes) to the `security`
        # log: logging only, nothing is decided there.
        from accounts import security_log

        security_log.connect_signals()
