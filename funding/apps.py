from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        # The figures summed from these rows are cached until they change.
        from core import cached_figures
        from funding.models import (
            Contribution,
            Deposit,
            Expenditure,
            FundingApproval,
            Mechanism,
            Tranche,
            Window,
        )

        cached_figures.watch(
            Mechanism, Window, Contribution, Deposit, FundingApproval, Tranche, Expenditure
        )
