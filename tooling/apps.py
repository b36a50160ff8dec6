from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolingConfig(AppConfig):
    """Demo data, data at scale, the benchmark, backup and restore: commands
    that write across every app, kept apart from the portal's own code."""

    name = "tooling"
    verbose_name = _("Demo, scale, benchmark and backup tooling")
