from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self):
        # The figures summed from these rows are cached until they change.
        from coordination.models import Organisation
        from core import cached_figures

        cached_figures.watch(Organisation)
