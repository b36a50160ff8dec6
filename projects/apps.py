from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        # The figures summed from these rows are cached until they change.
        from core import cached_figures
        from projects.models import Project

        cached_figures.watch(Project)
