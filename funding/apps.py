from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        # The figures summed from these rows are cached until they change.
        from funding.models import (
            Contribution,
            Deposit,
            Expenditure,
            FundingApproval,
            Mechanism,
            Tranche,
            Window,
        )
        from reviews import cached_figures

        cached_figures.watch(
            Mechanism, Window, Contribution, Deposit, FundingApproval, Tranche, Expenditure
        )
