from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions and plans")

    def ready(self):
        # The figures summed from these rows are cached until they change.
        from core import cached_figures
        from regions.models import Cercle, PlanPriority, Region, RegionalPlan

        cached_figures.watch(Region, Cercle, RegionalPlan, PlanPriority)
