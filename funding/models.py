import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BilingualNameMixin
from core.periods import Frequency, ReportingRule
from core.text import in_active_language
from funding.money import rate_text
from regions.models import Pillar

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


# The reason given on the history records that began the history of the
# mechanisms' rules (migration 0009): the rules as they stood then, not a change.
RULES_HISTORY_BEGAN = "State of the rules when their history began."


class Mechanism(BilingualNameMixin, MechanismRules):
    """A financing mechanism for peace and security (QIP, TF, PBF)."""

    code = models.SlugField(_("code"), max_length=10, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    # The committee's name in French, the mission's working language, and in
    # English; `approving_body_name` is the one for the reader's language.
    approving_body = models.CharField(
        _("approving body (French)"),
        max_length=200,
        help_text=_("The committee that approves project funding."),
    )
    approving_body_en = models.CharField(
        _("approving body (English)"),
        max_length=200,
        blank=True,
        help_text=_("Left empty, the French name is shown in English too."),
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
    # Its rules change rarely and matter to every project: who changed what is
    # kept, and shown on the mechanism's page and on /audit/.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("financing mechanism")
        verbose_name_plural = _("financing mechanisms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.acronym

    def get_absolute_url(self) -> str:
        return reverse("funding:detail", args=[self.code])

    @property
    def approving_body_name(self) -> str:
        """The approving body in the active language."""
        return in_active_language(self.approving_body, self.approving_body_en)


class Window(BilingualNameMixin, MechanismRules):
    """A window of a mechanism, e.g. the PBF's IRF and PRF."""

    mechanism = models.ForeignKey(
        Mechanism, verbose_name=_("mechanism"), on_delete=models.CASCADE, related_name="windows"
    )
    code = models.SlugField(_("code"), max_length=10)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
        """The step as people read it: "80 % at signature" ("80 % à la
        signature"), the same order in both languages; a no-break space keeps
        the figure and its sign on one line."""
        percent = number_format(Decimal(format(self.percent.normalize(), "f")))
        return f"{percent}\u00a0% {self.get_milestone_display()}"


class ReportingObligation(ReportingRule):
    """A report the projects of a mechanism owe: progress reports every
    quarter or half-year, or one completion report within so many days of
    the project's end. Every ongoing project of the mechanism has its due
    reports from these (`projects.reporting`)."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("progress report")
        COMPLETION = "completion", _("completion report")

    mechanism = models.ForeignKey(
        Mechanism,
        verbose_name=_("mechanism"),
        on_delete=models.CASCADE,
        related_name="reporting_obligations",
    )
    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting obligation")
        verbose_name_plural = _("reporting obligations")
        ordering = ["mechanism", "kind", "frequency"]
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "kind", "frequency"], name="reporting_obligation_unique"
            ),
            # A completion report covers the whole project: it is due once, at its end.
            models.CheckConstraint(
                condition=~models.Q(kind="completion") | models.Q(frequency="at_end"),
                name="completion_report_due_at_end",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.mechanism.acronym}: {self.get_kind_display()}, {self.get_frequency_display()}"
        )

    def clean(self) -> None:
        if self.kind == self.Kind.COMPLETION and self.frequency != Frequency.AT_END:
            raise ValidationError(
                {"frequency": _("A completion report is due once, at the end of the project.")}
            )


def validate_tranche_schedule(percents: list[Decimal]) -> None:
    """A schedule, when there is one, pays exactly 100% of the approval."""
    if percents and sum(percents) != Decimal("100"):
        raise ValidationError(
            _("The tranche schedule must add up to 100%% (it adds up to %(total)s%%)."),
            params={"total": sum(percents)},
        )


class Currency(models.TextChoices):
    """The ISO 4217 currencies in which the section records money."""

    USD = "USD", _("US dollar (USD)")
    XOF = "XOF", _("CFA franc (XOF)")
    EUR = "EUR", _("Euro (EUR)")
    GBP = "GBP", _("Pound sterling (GBP)")
    SEK = "SEK", _("Swedish krona (SEK)")
    NOK = "NOK", _("Norwegian krone (NOK)")
    DKK = "DKK", _("Danish krone (DKK)")
    CHF = "CHF", _("Swiss franc (CHF)")
    CAD = "CAD", _("Canadian dollar (CAD)")
    JPY = "JPY", _("Yen (JPY)")


# Every currency but the dollar has a monthly rate to the dollar.
RATED_CURRENCIES = [(code, label) for code, label in Currency.choices if code != Currency.USD]


class ExchangeRate(models.Model):
    """The UN operational rate of exchange of a currency for a month: how many
    units of the currency one US dollar buys."""

    currency = models.CharField(_("currency"), max_length=3, choices=RATED_CURRENCIES)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    units_per_usd = models.DecimalField(
        _("units per US dollar"),
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
    )
    history = HistoricalRecords()

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
            models.CheckConstraint(
                condition=models.Q(currency__in=[code for code, _label in RATED_CURRENCIES]),
                name="exchange_rate_currency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%Y-%m}: {self.units_per_usd}"


# --- Money --------------------------------------------------------------------------

MONEY_DIGITS = {"max_digits": 16, "decimal_places": 2}
RATE_DIGITS = {"max_digits": 18, "decimal_places": 6}


class Money(models.Model):
    """An amount in its ISO 4217 currency, with its US dollar equivalent fixed
    at the UN operational rate of the month of its date, and that rate (by
    `funding.services`, from `funding.rates`): a later change of rate never
    changes a recorded equivalent."""

    amount = models.DecimalField(
        _("amount"), **MONEY_DIGITS, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount_usd = models.DecimalField(_("amount (USD)"), **MONEY_DIGITS, editable=False)
    # Kept with the row, so that its equivalent can be read and checked later
    # whatever happens to the month's rate. The default is the dollar's own:
    # rows made without the services (test factories) are in dollars.
    units_per_usd = models.DecimalField(
        _("rate used (units per US dollar)"),
        **RATE_DIGITS,
        default=Decimal("1"),
        editable=False,
        help_text=_("The UN rate of the month of its date; 1 for US dollars."),
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The one-time token of the form that created the row (see reviews.forms.OnceMixin).
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_usd__gte=0),
                name="%(app_label)s_%(class)s_usd_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(currency__in=Currency.values),
                name="%(app_label)s_%(class)s_currency_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(units_per_usd__gt=0)
                & (~models.Q(currency=Currency.USD) | models.Q(units_per_usd=1)),
                name="%(app_label)s_%(class)s_rate_valid",
            ),
        ]

    @property
    def date(self) -> datetime.date:
        return getattr(self, self.DATE_FIELD)

    @property
    def rate_used(self) -> str:
        """The rate its US dollar equivalent was fixed at, as people read it:
        "641,33 XOF per USD (UN rate of March 2026)"; empty for dollars."""
        if self.currency == Currency.USD:
            return ""
        return rate_text(self.units_per_usd, self.currency, self.date)


class Contribution(Money):
    """A donor's pledge to a mechanism, optionally earmarked for a region
    and/or a pillar; its money arrives in deposits."""

    DATE_FIELD = "pledged_on"

    donor = models.ForeignKey(
        "coordination.Organisation",
        verbose_name=_("donor"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    mechanism = models.ForeignKey(
        Mechanism,
        verbose_name=_("mechanism"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    earmark_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("earmarked for the region"),
        on_delete=models.PROTECT,
        related_name="earmarked_contributions",
        null=True,
        blank=True,
    )
    earmark_pillar = models.CharField(
        _("earmarked for the pillar"), max_length=20, choices=Pillar.choices, blank=True
    )
    pledged_on = models.DateField(_("pledged on"))
    reference = models.CharField(_("agreement reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta(Money.Meta):
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-pledged_on", "-pk"]
        indexes = [
            models.Index(fields=["mechanism", "pledged_on"], name="contribution_mechanism_date")
        ]

    def __str__(self) -> str:
        return f"{self.donor} → {self.mechanism} ({self.pledged_on:%Y})"

    def get_absolute_url(self) -> str:
        return reverse("funding:contribution_detail", args=[self.pk])

    @property
    def earmark(self) -> str:
        parts = []
        if self.earmark_region_id:
            parts.append(self.earmark_region.name)
        if self.earmark_pillar:
            parts.append(str(Pillar(self.earmark_pillar).label))
        return " · ".join(parts)

    def may_fund(self, project) -> bool:
        """Whether the earmark lets this contribution fund `project` (a
        projects.Project): its region, and the pillar of its plan priority."""
        if self.earmark_region_id and self.earmark_region_id != project.region_id:
            return False
        if self.earmark_pillar:
            return project.priority is not None and project.priority.pillar == self.earmark_pillar
        return True


class Deposit(Money):
    """Money of a contribution received. Regular deposits never add up to more
    than the pledge; a deposit marked as an increase is money the donor gave
    beyond it, and raises the pledge by as much."""

    DATE_FIELD = "received_on"

    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("contribution"),
        on_delete=models.PROTECT,
        related_name="deposits",
    )
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    is_increase = models.BooleanField(
        _("increase of the pledge"),
        default=False,
        help_text=_("The donor gave more than it pledged: this deposit raises the pledge."),
    )
    history = HistoricalRecords()

    class Meta(Money.Meta):
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.received_on})"


class FundingApproval(Money):
    """The approval of a project's funding by its mechanism's committee. Where
    the mechanism may approve only what donors have deposited (the Trust
    Fund), the approval is charged to one contribution whose earmark allows
    the project."""

    DATE_FIELD = "approved_on"

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="funding_approvals",
    )
    mechanism = models.ForeignKey(
        Mechanism,
        verbose_name=_("mechanism"),
        on_delete=models.PROTECT,
        related_name="approvals",
        editable=False,
    )
    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("charged to the contribution"),
        on_delete=models.PROTECT,
        related_name="approvals",
        null=True,
        blank=True,
    )
    approved_on = models.DateField(_("approved on"))
    approving_body = models.CharField(_("approved by"), max_length=200)
    decision_reference = models.CharField(_("decision reference"), max_length=100)
    history = HistoricalRecords()

    class Meta(Money.Meta):
        verbose_name = _("funding approval")
        verbose_name_plural = _("funding approvals")
        ordering = ["approved_on", "pk"]

    def __str__(self) -> str:
        return f"{self.decision_reference}: {self.amount} {self.currency}"


class Tranche(Money):
    """A transfer of money to the project's implementing partner."""

    DATE_FIELD = "paid_on"

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="tranches",
    )
    step = models.ForeignKey(
        TrancheStep,
        verbose_name=_("step of the schedule"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("transfer reference"), max_length=100)
    history = HistoricalRecords()

    class Meta(Money.Meta):
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount} {self.currency}"


class Expenditure(Money):
    """Spending reported by the implementing partner, in the categories of
    the UN's harmonised budget."""

    DATE_FIELD = "spent_on"

    class Category(models.TextChoices):
        STAFF = "staff", _("Staff and personnel")
        SUPPLIES = "supplies", _("Supplies and materials")
        EQUIPMENT = "equipment", _("Equipment, vehicles and furniture")
        SERVICES = "services", _("Contractual services and works")
        TRAVEL = "travel", _("Travel")
        GRANTS = "grants", _("Transfers and grants to counterparts")
        OPERATING = "operating", _("General operating costs")
        INDIRECT = "indirect", _("Indirect support costs")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="expenditures",
    )
    spent_on = models.DateField(_("spent on"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    beyond_transfers = models.BooleanField(
        _("beyond the money transferred"),
        default=False,
        help_text=_("The partner spent more than it received so far; explain why."),
    )
    explanation = models.TextField(_("explanation"), blank=True)
    history = HistoricalRecords()

    class Meta(Money.Meta):
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["spent_on", "pk"]
        constraints = [
            *Money.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(beyond_transfers=False) | ~models.Q(explanation=""),
                name="expenditure_beyond_transfers_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount} {self.currency}"
