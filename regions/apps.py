from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions and plans")

    def ready(self):
        # The figures and page sections made of these rows are cached until
        # one of them changes: every model of the app, its history included.
        from core import cached_figures

        cached_figures.watch(*self.get_models())
