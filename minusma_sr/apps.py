from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "minusma_sr"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from minusma_sr import checks  # noqa: F401 - registers the portal's system checks
