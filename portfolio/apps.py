from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    """The read layer: every figure that spans apps, and the pages made of them."""

    name = "portfolio"
    verbose_name = _("Portfolio")
