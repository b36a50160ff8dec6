from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regions.models import BilingualNameMixin

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class MechanismRules(models.Model):
    """The rules a financing mechanism or window carries as data.

    Left blank on a window, a rule is inherited from its mechanism.
    """

    ceiling_usd = models.DecimalField(
        _("ceiling per project (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        abstract = True


class Mechanism(BilingualNameMixin, MechanismRules):
    """A financing mechanism for peace and security (QIP, TF, PBF)."""

    code = models.SlugField(_("code"), max_length=10, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    approving_body = models.CharField(
        _("approving body"),
        max_length=200,
        help_text=_("The committee that approves project funding."),
    )
    local_implementers_only = models.BooleanField(
        _("implemented by local actors only"), default=False
    )
    limited_to_receipts = models.BooleanField(
        _("approvals limited to contributions received"), default=False
    )
    gender_target_percent = models.DecimalField(
        _("gender equality target (% of funding)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    indirect_cost_percent = models.DecimalField(
        _("indirect cost rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )

    class Meta:
        verbose_name = _("financing mechanism")
        verbose_name_plural = _("financing mechanisms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.acronym

    def get_absolute_url(self) -> str:
        return reverse("funding:detail", args=[self.code])


class Window(BilingualNameMixin, MechanismRules):
    """A window of a mechanism, e.g. the PBF's IRF and PRF."""

    mechanism = models.ForeignKey(
        Mechanism, verbose_name=_("mechanism"), on_delete=models.CASCADE, related_name="windows"
    )
    code = models.SlugField(_("code"), max_length=10)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["mechanism__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "code"], name="window_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.mechanism.acronym} {self.code.upper()}"

    @property
    def effective_ceiling_usd(self) -> Decimal | None:
        return self.ceiling_usd if self.ceiling_usd is not None else self.mechanism.ceiling_usd

    @property
    def effective_max_duration_months(self) -> int | None:
        if self.max_duration_months is not None:
            return self.max_duration_months
        return self.mechanism.max_duration_months


class TrancheStep(models.Model):
    """One step of a mechanism's payment schedule, e.g. 80% at signature."""

    class Milestone(models.TextChoices):
        SIGNATURE = "signature", _("at signature")
        MIDTERM = "midterm", _("at mid-term report")
        COMPLETION = "completion", _("at completion")

    mechanism = models.ForeignKey(
        Mechanism,
        verbose_name=_("mechanism"),
        on_delete=models.CASCADE,
        related_name="tranche_steps",
    )
    sequence = models.PositiveSmallIntegerField(_("order"))
    percent = models.DecimalField(
        _("share of the approved amount (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    milestone = models.CharField(_("paid"), max_length=20, choices=Milestone.choices)

    class Meta:
        verbose_name = _("tranche step")
        verbose_name_plural = _("tranche schedule")
        ordering = ["mechanism", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "sequence"], name="tranche_step_unique"),
            models.CheckConstraint(
                condition=models.Q(percent__gt=0, percent__lte=100),
                name="tranche_step_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent.normalize():f}% {self.get_milestone_display()}"


def validate_tranche_schedule(percents: list[Decimal]) -> None:
    """A schedule, when there is one, pays exactly 100% of the approval."""
    if percents and sum(percents) != Decimal("100"):
        raise ValidationError(
            _("The tranche schedule must add up to 100%% (it adds up to %(total)s%%)."),
            params={"total": sum(percents)},
        )


class ExchangeRate(models.Model):
    """The UN operational rate of exchange of a currency for a month: how many
    units of the currency one US dollar buys."""

    class Currency(models.TextChoices):
        XOF = "XOF", _("CFA franc (XOF)")
        EUR = "EUR", _("Euro (EUR)")
        GBP = "GBP", _("Pound sterling (GBP)")
        SEK = "SEK", _("Swedish krona (SEK)")
        NOK = "NOK", _("Norwegian krone (NOK)")
        DKK = "DKK", _("Danish krone (DKK)")
        CHF = "CHF", _("Swiss franc (CHF)")
        CAD = "CAD", _("Canadian dollar (CAD)")
        JPY = "JPY", _("Yen (JPY)")

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    units_per_usd = models.DecimalField(
        _("units per US dollar"),
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-month", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "month"], name="exchange_rate_once_a_month"
            ),
            models.CheckConstraint(
                condition=models.Q(units_per_usd__gt=0), name="exchange_rate_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="exchange_rate_month_starts_on_day_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%Y-%m}: {self.units_per_usd}"
