from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # The review timeline of a record is shown in its cached sections.
        from core import cached_figures

        cached_figures.watch(*self.get_models())
