"""The initiatives that carry out the regional plans: projects, where they
take place, what they aim to achieve, and what the offices report on them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from accounts.roles import PROJECT_STAFF_ROLES
from core import links
from core.models import Attachment, Versioned
from core.periods import report_period_problems
from core.targets import PeriodTarget, target_problems
from reviews.models import Reviewable, ReviewStatus, ReviewTrail

MAX_BENEFICIARIES = 10_000_000
MAX_BUDGET = Decimal("1000000000")  # a billion in any currency is a typing mistake here
# Mali's bounding box, with a little margin.
MALI_LATITUDE = (Decimal("10.0"), Decimal("25.1"))
MALI_LONGITUDE = (Decimal("-12.3"), Decimal("4.3"))


class Currency(models.TextChoices):
    USD = "USD", _("US dollar (USD)")
    XOF = "XOF", _("CFA franc (XOF)")
    EUR = "EUR", _("Euro (EUR)")


class GenderMarker(models.IntegerChoices):
    NOT_TARGETED = 0, _("0 — not targeted")
    SIGNIFICANT = 1, _("1 — significant objective")
    PRINCIPAL = 2, _("2 — principal objective")


# The statuses in the order of the workflow, in which the list sorts them;
# Project.Status gives the same values their labels.
WORKFLOW_ORDER = [
    "pipeline",
    "submitted",
    "approved",
    "ongoing",
    "completed",
    "closed",
    "cancelled",
]


def status_rank() -> models.Case:
    """A project's place in the workflow (pipeline 0 … cancelled 6): what the
    list sorts on, and what an index keeps in order."""
    return models.Case(
        *[
            models.When(status=status, then=models.Value(rank))
            for rank, status in enumerate(WORKFLOW_ORDER)
        ],
        output_field=models.IntegerField(),
    )


class ProjectQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("region", "mechanism", "window", "implementing_partner")

    def budget_totals(self, *, count: bool = True) -> dict:
        """`budget_usd`, the sum of the budgets in US dollars (every currency
        through its equivalent); `not_converted`, the budgets without an
        equivalent yet (their month's rate is missing); and, unless `count` is
        false (a list that shows an estimate), `count`, the projects. One
        query, which the budgets' index serves alone."""
        # Named apart from the field: an aggregate may not shadow a column.
        aggregates = {
            "budgets": models.Sum("budget_usd"),
            "unconverted": models.Count("pk", filter=models.Q(budget_usd__isnull=True)),
        }
        if count:
            aggregates["projects"] = models.Count("*")
        sums = self.aggregate(**aggregates)
        totals = {"budget_usd": sums["budgets"], "not_converted": sums["unconverted"]}
        if count:
            totals["count"] = sums["projects"]
        return totals

    def beneficiaries_targeted(self) -> dict:
        """The women, men, girls and boys the projects plan to reach, cancelled
        projects left out. One query."""
        return _people(
            self.exclude(status=Project.Status.CANCELLED).aggregate(
                **{sex: models.Sum(sex) for sex in SEXES}
            )
        )

    def beneficiaries_reached(self) -> dict:
        """The women, men, girls and boys reached: each project's latest
        approved progress report (its figures are cumulative), projects
        without one counting none. One query."""
        return _people(self._with_reached().aggregate(**_REACHED_SUMS))

    def beneficiaries_reached_by(self, field: str) -> dict:
        """`beneficiaries_reached` for each value of `field` (a plan
        priority, a region), by that value. One query."""
        rows = self._with_reached().values(field).annotate(**_REACHED_SUMS).order_by()
        return {row.pop(field): _people(row) for row in rows}

    def _with_reached(self):
        """Each project with the people its latest approved progress report reached."""
        latest = ProgressReport.objects.filter(
            project=models.OuterRef("pk"), review_status=ReviewStatus.APPROVED
        ).order_by("-period_end", "-pk")
        return self.annotate(
            **{
                f"reached_{sex}": models.Subquery(latest.values(f"{sex}_reached")[:1])
                for sex in SEXES
            }
        )


SEXES = ("women", "men", "girls", "boys")
_REACHED_SUMS = {sex: models.Sum(f"reached_{sex}") for sex in SEXES}


def _people(sums: dict) -> dict:
    """Sums by sex with their total; none reads 0."""
    people = {sex: sums.get(sex) or 0 for sex in SEXES}
    return {**people, "total": sum(people.values())}


def focal_point_choices() -> Q:
    """Who may be a project's focal point: an active member of staff. The
    field's `limit_choices_to`, so that every form and the admin offer no one
    else and the model refuses anyone else (`projects.services` asks it too)."""
    return Q(is_active=True, groups__name__in=[role.value for role in PROJECT_STAFF_ROLES])


# Built without a reverse() for each project (a list links to hundreds).
PROJECT_ADDRESS = links.by_key("projects:detail")


class Project(FSMModelMixin, ReviewTrail, Versioned):
    class Status(models.TextChoices):
        PIPELINE = "pipeline", _("pipeline")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(_("code"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    cercles = models.ManyToManyField(
        "regions.Cercle", verbose_name=_("cercles"), blank=True, related_name="projects"
    )
    priority = models.ForeignKey(
        "regions.PlanPriority",
        verbose_name=_("plan priority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    mechanism = models.ForeignKey(
        "funding.Mechanism",
        verbose_name=_("financing mechanism"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    window = models.ForeignKey(
        "funding.Window",
        verbose_name=_("window"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    implementing_partner = models.ForeignKey(
        "coordination.Organisation",
        verbose_name=_("implementing partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("focal point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="focal_projects",
        limit_choices_to=focal_point_choices,
        help_text=_("The member of staff who follows the project (partners and viewers cannot)."),
    )
    budget_amount = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_BUDGET)],
    )
    budget_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    indirect_cost_amount = models.DecimalField(
        _("indirect support costs"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "The part of the budget that pays the implementer's indirect support costs, in "
            "the budget's currency. Where the mechanism sets a rate (the Peacebuilding Fund: "
            "7 %), it may be at most that share of the direct costs."
        ),
    )
    # Set by `projects.services.budget_in_usd` whenever the budget, its currency
    # or the planned start change: every total counts every budget through it.
    budget_usd = models.DecimalField(
        _("budget (USD)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "At the UN operational rate of the month of the planned start (of the month "
            "the budget was recorded while the start is ahead); empty while that rate is "
            "missing."
        ),
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PIPELINE,
        protected=True,
        db_index=True,
    )
    # The people the project plans to reach (what it reaches is in its
    # progress reports).
    women = models.PositiveIntegerField(
        _("women targeted"),
        default=0,
        validators=[MaxValueValidator(MAX_BENEFICIARIES)],
        help_text=_("Women (18 and over) the project plans to reach."),
    )
    men = models.PositiveIntegerField(
        _("men targeted"),
        default=0,
        validators=[MaxValueValidator(MAX_BENEFICIARIES)],
        help_text=_("Men (18 and over) the project plans to reach."),
    )
    girls = models.PositiveIntegerField(
        _("girls targeted"),
        default=0,
        validators=[MaxValueValidator(MAX_BENEFICIARIES)],
        help_text=_("Girls (under 18) the project plans to reach."),
    )
    boys = models.PositiveIntegerField(
        _("boys targeted"),
        default=0,
        validators=[MaxValueValidator(MAX_BENEFICIARIES)],
        help_text=_("Boys (under 18) the project plans to reach."),
    )
    gender_marker = models.PositiveSmallIntegerField(
        _("gender marker"), choices=GenderMarker.choices, default=GenderMarker.NOT_TARGETED
    )
    # Kept off the open-data pages and the public IATI file, whatever its status.
    is_confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_(
            "Tick to keep the project off the public open-data pages and the public IATI "
            "file, even once it is approved."
        ),
    )
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "creation_token"])
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-planned_start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="project_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_end__isnull=True)
                | models.Q(actual_start__isnull=True)
                | models.Q(actual_end__gte=models.F("actual_start")),
                name="project_actual_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_amount__gt=0), name="project_budget_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(indirect_cost_amount__isnull=True)
                | models.Q(
                    indirect_cost_amount__gte=0,
                    indirect_cost_amount__lte=models.F("budget_amount"),
                ),
                name="project_indirect_costs_within_budget",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["mechanism", "status"]),
            # The list's sorts, each followed by the code that breaks ties
            # (projects.filters.SORTS); the first is the default order.
            models.Index(fields=["-planned_start", "code"], name="project_default_order"),
            models.Index(fields=["planned_end", "code"], name="project_end_order"),
            models.Index(fields=["budget_amount", "code"], name="project_budget_order"),
            models.Index(fields=["title", "code"], name="project_title_order"),
            models.Index(status_rank(), "code", name="project_status_order"),
            # Ongoing projects ending soon (the dashboard), a status filter
            # sorted by end date.
            models.Index(fields=["status", "planned_end"], name="project_status_end"),
            # The list's budget totals read from the index alone.
            models.Index(fields=["budget_usd"], name="project_budget_usd"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        return PROJECT_ADDRESS(self.pk)

    @property
    def reporting_start(self):
        """The first day the project reports on: its actual start, or the planned one."""
        return self.actual_start or self.planned_start

    @property
    def reporting_end(self):
        """The last day the project reports on: its actual end, or the planned one."""
        return self.actual_end or self.planned_end

    @property
    def is_finished(self) -> bool:
        """Closed and cancelled projects are kept as they are."""
        return self.status in (self.Status.CLOSED, self.Status.CANCELLED)

    @property
    def beneficiaries(self) -> int:
        return self.women + self.men + self.girls + self.boys

    @staticmethod
    def focal_point_problem(person) -> str:
        """Why `person` cannot be a focal point ("" if they can, or for none):
        the field's `limit_choices_to`, asked of the database."""
        if person is None:
            return ""
        if type(person).objects.filter(focal_point_choices(), pk=person.pk).exists():
            return ""
        return _(
            "%(person)s cannot be the focal point: only active staff can (not partners, "
            "viewers or user managers)."
        ) % {"person": person}

    # The review of a project is the portal's one workflow (reviews.services):
    # submitted by its office, approved or sent back by another officer.
    review_kind = _("project")
    REVIEW_FIELD = "status"
    AWAITING = Status.SUBMITTED
    REVIEW_STEPS = {"submit": "_submit", "approve": "_approve", "return": "_send_back"}
    # Partners read a project once it is approved (not a cancelled one).
    PUBLISHED_STATES = (Status.APPROVED, Status.ONGOING, Status.COMPLETED, Status.CLOSED)

    def review_problems(self, step: str) -> list[str]:
        # The steps' conditions read funding and reports: projects.workflow.
        from projects import workflow

        return workflow.preconditions(self, step)

    def state_refusal(self, step: str) -> str:
        return _("A project that is %(status)s cannot take this step.") % {
            "status": self.get_status_display()
        }

    def after_review_step(self, *, step: str, old_state: str, by, comment: str) -> None:
        StatusChange.objects.create(
            project=self, old_status=old_state, new_status=self.status, by=by, comment=comment
        )

    @classmethod
    def queue_queryset(cls):
        return cls._default_manager.select_related("created_by", "submitted_by", "region")

    @classmethod
    def returned_q(cls) -> models.Q:
        return models.Q(status=cls.Status.PIPELINE, reviewed_by__isnull=False)

    @classmethod
    def draft_q(cls) -> models.Q:
        return models.Q(status=cls.Status.PIPELINE, reviewed_by__isnull=True)

    # The allowed moves; projects.services makes them and records each one.
    @transition(field=status, source=Status.PIPELINE, target=Status.SUBMITTED)
    def _submit(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.PIPELINE)
    def _send_back(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED)
    def _approve(self):
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.ONGOING)
    def _start(self):
        pass

    @transition(field=status, source=Status.ONGOING, target=Status.COMPLETED)
    def _complete(self):
        pass

    @transition(field=status, source=Status.COMPLETED, target=Status.CLOSED)
    def _close(self):
        pass

    @transition(
        field=status,
        source=[Status.PIPELINE, Status.SUBMITTED, Status.APPROVED, Status.ONGOING],
        target=Status.CANCELLED,
    )
    def _cancel(self):
        pass


class ProjectCodeSequence(models.Model):
    """The last number given per mechanism, year and region: codes are never reused."""

    prefix = models.CharField(max_length=30, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class StatusChange(models.Model):
    """One move of a project's status: the project's timeline."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(_("from"), max_length=20, choices=Project.Status.choices)
    new_status = models.CharField(_("to"), max_length=20, choices=Project.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_old_status_display()} → {self.get_new_status_display()}"


class Location(models.Model):
    class Sensitivity(models.TextChoices):
        NORMAL = "normal", _("normal")
        SENSITIVE = "sensitive", _("sensitive: exact coordinates for staff only")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="locations"
    )
    place = models.CharField(_("place"), max_length=200)
    cercle = models.ForeignKey(
        "regions.Cercle",
        verbose_name=_("cercle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(MALI_LATITUDE[0]), MaxValueValidator(MALI_LATITUDE[1])],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(MALI_LONGITUDE[0]), MaxValueValidator(MALI_LONGITUDE[1])],
    )
    sensitivity = models.CharField(
        _("sensitivity"), max_length=20, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["project", "place"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (
                    models.Q(latitude__gte=MALI_LATITUDE[0], latitude__lte=MALI_LATITUDE[1])
                    & models.Q(longitude__gte=MALI_LONGITUDE[0], longitude__lte=MALI_LONGITUDE[1])
                ),
                name="location_inside_mali",
            )
        ]

    def __str__(self) -> str:
        return self.place

    @property
    def is_sensitive(self) -> bool:
        return self.sensitivity == self.Sensitivity.SENSITIVE


class Aggregation(models.TextChoices):
    """How an indicator's approved reports add up over time, and so what it
    brings to the outcome indicator it contributes to (`portfolio.results`)."""

    SUM = "sum", _("sum: each report counts what its period achieved")
    AVERAGE = "average", _("average of the reports")
    LATEST = "latest", _("latest report: each report gives the total so far")
    NONE = "none", _("not aggregable: shown, not added up")


# The age bands of an indicator disaggregated by age, as the UN's statistics
# count children, youth and adults (youth: 15 to 24 years). They are apart from
# the split by sex, where girls and boys are under 18; each adds up to the value.
AGE_BANDS = ("value_under_15", "value_15_to_24", "value_25_and_over")


def contribution_problems(project, outcome) -> dict[str, str]:
    """An indicator contributes only to an outcome indicator of a priority of
    a plan of its project's region: the rule the pages, the services and
    Django admin all ask."""
    if project is None or outcome is None:
        return {}
    if outcome.priority.plan.region_id != project.region_id:
        return {"outcome": _("This outcome indicator belongs to a plan of another region.")}
    return {}


class Indicator(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    title = models.CharField(_("title"), max_length=250)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    by_sex = models.BooleanField(_("disaggregated by sex"), default=False)
    by_age = models.BooleanField(_("disaggregated by age"), default=False)
    outcome = models.ForeignKey(
        "regions.OutcomeIndicator",
        verbose_name=_("contributes to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        help_text=_("An outcome indicator of the plan of the project's region."),
    )
    aggregation = models.CharField(
        _("how its reports add up"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.LATEST,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        problems = contribution_problems(self.project if self.project_id else None, self.outcome)
        if problems:
            raise ValidationError(problems)

    @property
    def latest_report_status_label(self) -> str:
        """The name of `latest_report_status`, which `projects.services.project_results`
        annotates: the status of the indicator's latest report."""
        status = getattr(self, "latest_report_status", None)
        return ReviewStatus(status).label if status else ""


OUTSIDE_PROJECT_DATES = _(
    "The period must lie within the project's dates, from %(first)s to %(last)s."
)


def finished_project_problems(project: Project) -> list[str]:
    """A closed or cancelled project's reports take no further step."""
    if not project.is_finished:
        return []
    return [
        _("The project is %(status)s: its reports can no longer be submitted or reviewed.")
        % {"status": project.get_status_display()}
    ]


class IndicatorReport(Reviewable):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="reports"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value achieved"), max_digits=14, decimal_places=2)
    value_women = models.DecimalField(
        _("of which women and girls"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    value_men = models.DecimalField(
        _("of which men and boys"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Girls and boys (under 18) within the two above: empty where not known
    # (reports written before they were asked).
    value_girls = models.DecimalField(
        _("of whom girls"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Under 18, counted within women and girls; leave empty if not known."),
    )
    value_boys = models.DecimalField(
        _("of whom boys"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Under 18, counted within men and boys; leave empty if not known."),
    )
    value_under_15 = models.DecimalField(
        _("aged under 15"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    value_15_to_24 = models.DecimalField(
        _("aged 15 to 24"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    value_25_and_over = models.DecimalField(
        _("aged 25 and over"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "creation_token"])

    review_kind = _("indicator report")
    REGION_PATH = "indicator__project__region"

    class Meta:
        verbose_name = _("indicator report")
        verbose_name_plural = _("indicator reports")
        ordering = ["-period_end", "-pk"]
        # The review queue counts what awaits review on every page.
        indexes = [
            models.Index(fields=["review_status", "submitted_by"], name="indicator_report_queue")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="indicator_report_period_ends_after_start",
            ),
            # The parts of the value, as `projects.services.indicator_report_problems`
            # checks them with their messages.
            models.CheckConstraint(
                condition=models.Q(value_girls__isnull=True)
                | models.Q(value_girls__gte=0, value_girls__lte=models.F("value_women")),
                name="indicator_report_girls_within_women",
            ),
            models.CheckConstraint(
                condition=models.Q(value_boys__isnull=True)
                | models.Q(value_boys__gte=0, value_boys__lte=models.F("value_men")),
                name="indicator_report_boys_within_men",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    value_under_15__isnull=True,
                    value_15_to_24__isnull=True,
                    value_25_and_over__isnull=True,
                )
                | models.Q(
                    value_under_15__gte=0,
                    value_15_to_24__gte=0,
                    value_25_and_over__gte=0,
                    value=models.F("value_under_15")
                    + models.F("value_15_to_24")
                    + models.F("value_25_and_over"),
                ),
                name="indicator_report_age_bands_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.project.code}: {self.indicator.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:indicator_report", args=[self.pk])

    @classmethod
    def queue_queryset(cls):
        return super().queue_queryset().select_related("indicator__project")

    def review_problems(self, step: str) -> list[str]:
        return super().review_problems(step) + finished_project_problems(self.indicator.project)

    @property
    def sex_parts(self) -> list[tuple[str, Decimal | None]]:
        """The value's parts by sex as (label, value): women, girls, men and
        boys where girls and boys are known, else women and girls, men and boys."""
        women_and_girls, men_and_boys = self.value_women, self.value_men
        if women_and_girls is None and men_and_boys is None:
            return []
        if self.value_girls is None or self.value_boys is None:
            return [
                (_("Women and girls"), women_and_girls),
                (_("Men and boys"), men_and_boys),
            ]
        return [
            (_("Women"), women_and_girls - self.value_girls),
            (_("Girls"), self.value_girls),
            (_("Men"), men_and_boys - self.value_boys),
            (_("Boys"), self.value_boys),
        ]

    @property
    def age_parts(self) -> list[tuple[str, Decimal]]:
        """The value's parts by age band as (label, value), where given."""
        if self.value_under_15 is None:
            return []
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name)) for name in AGE_BANDS
        ]

    @staticmethod
    def period_problems(
        indicator: Indicator, *, start, end, exclude_pk=None, token=None
    ) -> dict[str, str]:
        project = indicator.project
        return report_period_problems(
            indicator.reports.all(),
            start=start,
            end=end,
            first=project.reporting_start,
            last=project.reporting_end,
            outside=OUTSIDE_PROJECT_DATES,
            exclude_pk=exclude_pk,
            token=token,
        )

    def clean(self) -> None:
        if self.indicator_id is None:  # an admin form without its record yet
            return
        problems = self.period_problems(
            self.indicator,
            start=self.period_start,
            end=self.period_end,
            exclude_pk=self.pk,
            token=self.creation_token,
        )
        if problems:
            raise ValidationError(problems)


class ProgressReport(Reviewable):
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    narrative = models.TextField(_("narrative"))
    percent_complete = models.PositiveSmallIntegerField(
        _("completion (%)"), validators=[MaxValueValidator(100)]
    )
    site_accessible = models.BooleanField(
        _("site accessible"),
        default=True,
        help_text=_("Untick when insecurity kept the team from reaching the site."),
    )
    # People reached since the project began (cumulative): once the report is
    # approved, the project's latest approved report gives its "reached" figure.
    women_reached = models.PositiveIntegerField(
        _("women reached"), default=0, validators=[MaxValueValidator(MAX_BENEFICIARIES)]
    )
    men_reached = models.PositiveIntegerField(
        _("men reached"), default=0, validators=[MaxValueValidator(MAX_BENEFICIARIES)]
    )
    girls_reached = models.PositiveIntegerField(
        _("girls reached"), default=0, validators=[MaxValueValidator(MAX_BENEFICIARIES)]
    )
    boys_reached = models.PositiveIntegerField(
        _("boys reached"), default=0, validators=[MaxValueValidator(MAX_BENEFICIARIES)]
    )
    is_final = models.BooleanField(
        _("final report"),
        default=False,
        help_text=_(
            "The report on the whole project at its end: the project is completed once "
            "headquarters has approved it."
        ),
    )
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "creation_token"])

    review_kind = _("progress report")
    REGION_PATH = "project__region"

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_end", "-pk"]
        # The review queue counts what awaits review on every page.
        indexes = [
            models.Index(fields=["review_status", "submitted_by"], name="progress_report_queue")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="progress_report_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100),
                name="progress_report_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.period_start:%m/%Y}–{self.period_end:%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("projects:progress_report", args=[self.pk])

    @classmethod
    def queue_queryset(cls):
        return super().queue_queryset().select_related("project")

    def review_problems(self, step: str) -> list[str]:
        return super().review_problems(step) + finished_project_problems(self.project)

    @staticmethod
    def period_problems(
        project: Project, *, start, end, is_final: bool, exclude_pk=None, token=None
    ) -> dict[str, str]:
        """Progress reports do not overlap one another; the final report,
        which covers the whole project, is written once."""
        if is_final:
            final = project.progress_reports.filter(is_final=True).exclude(pk=exclude_pk)
            if token:
                final = final.exclude(creation_token=token)
            if final.exists():
                return {"is_final": _("This project already has its final report.")}
        return report_period_problems(
            project.progress_reports.filter(is_final=is_final),
            start=start,
            end=end,
            first=project.reporting_start,
            last=project.reporting_end,
            outside=OUTSIDE_PROJECT_DATES,
            exclude_pk=exclude_pk,
            token=token,
        )

    def clean(self) -> None:
        if self.project_id is None:  # an admin form without its record yet
            return
        problems = self.period_problems(
            self.project,
            start=self.period_start,
            end=self.period_end,
            is_final=self.is_final,
            exclude_pk=self.pk,
            token=self.creation_token,
        )
        if problems:
            raise ValidationError(problems)


class ProjectDocument(Attachment):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="documents"
    )

    class Meta(Attachment.Meta):
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")

    def get_absolute_url(self) -> str:
        return reverse("projects:document", args=[self.pk])


class ProgressReportAttachment(Attachment):
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )

    class Meta(Attachment.Meta):
        verbose_name = _("progress report attachment")
        verbose_name_plural = _("progress report attachments")

    def get_absolute_url(self) -> str:
        return reverse("projects:report_attachment", args=[self.pk])


class IndicatorEvidence(Attachment):
    report = models.ForeignKey(
        IndicatorReport,
        verbose_name=_("indicator report"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )

    class Meta(Attachment.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def get_absolute_url(self) -> str:
        return reverse("projects:evidence", args=[self.pk])


class IndicatorTarget(PeriodTarget):
    """The value a project's indicator should reach by the end of a period;
    the indicator's `target` stays its overall, end-of-project target."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )

    history = HistoricalRecords()

    class Meta(PeriodTarget.Meta):
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="indicator_target_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="indicator_target_not_negative"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="indicator_target_once_per_period"
            ),
        ]

    @staticmethod
    def problems(indicator: Indicator, values: dict, *, exclude_pk=None) -> dict[str, str]:
        """Within the project's dates (actual where known, else planned),
        overlapping none of the indicator's other targets."""
        project = indicator.project
        return target_problems(
            indicator.targets.all(),
            values,
            first=project.actual_start or project.planned_start,
            last=project.actual_end or project.planned_end,
            outside=_(
                "The period must lie within the project's dates, from %(first)s to %(last)s."
            ),
            exclude_pk=exclude_pk,
        )

    def clean(self) -> None:
        if self.indicator_id is None:
            return
        values = {name: getattr(self, name) for name in ("period_start", "period_end", "value")}
        problems = self.problems(self.indicator, values, exclude_pk=self.pk)
        if problems:
            raise ValidationError(problems)
