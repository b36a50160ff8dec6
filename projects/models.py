"""The initiatives that carry out the regional plans: projects, where they
take place, what they aim to achieve, and what the offices report on them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core import links
from core.models import Attachment, Versioned
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
        latest = ProgressReport.objects.filter(
            project=models.OuterRef("pk"), review_status=ReviewStatus.APPROVED
        ).order_by("-period_end", "-pk")
        reached = self.annotate(
            **{
                f"reached_{sex}": models.Subquery(latest.values(f"{sex}_reached")[:1])
                for sex in SEXES
            }
        )
        return _people(reached.aggregate(**{sex: models.Sum(f"reached_{sex}") for sex in SEXES}))


SEXES = ("women", "men", "girls", "boys")


def _people(sums: dict) -> dict:
    """Sums by sex with their total; none reads 0."""
    people = {sex: sums.get(sex) or 0 for sex in SEXES}
    return {**people, "total": sum(people.values())}


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
    women = models.PositiveIntegerField(
        _("women"), default=0, validators=[MaxValueValidator(MAX_BENEFICIARIES)]
    )
    men = models.PositiveIntegerField(
        _("men"), default=0, validators=[MaxValueValidator(MAX_BENEFICIARIES)]
    )
    girls = models.PositiveIntegerField(
        _("girls"), default=0, validators=[MaxValueValidator(MAX_BENEFICIARIES)]
    )
    boys = models.PositiveIntegerField(
        _("boys"), default=0, validators=[MaxValueValidator(MAX_BENEFICIARIES)]
    )
    gender_marker = models.PositiveSmallIntegerField(
        _("gender marker"), choices=GenderMarker.choices, default=GenderMarker.NOT_TARGETED
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
    def is_finished(self) -> bool:
        """Closed and cancelled projects are kept as they are."""
        return self.status in (self.Status.CLOSED, self.Status.CANCELLED)

    @property
    def beneficiaries(self) -> int:
        return self.women + self.men + self.girls + self.boys

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


class Indicator(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    title = models.CharField(_("title"), max_length=250)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    by_sex = models.BooleanField(_("disaggregated by sex"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def latest_report_status_label(self) -> str:
        """The name of `latest_report_status`, which `projects.services.project_results`
        annotates: the status of the indicator's latest report."""
        status = getattr(self, "latest_report_status", None)
        return ReviewStatus(status).label if status else ""


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
            )
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
