from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core import links
from core.models import Attachment, BilingualNameMixin, Versioned
from core.periods import ReportingRule, report_period_problems
from core.targets import PeriodTarget, target_problems
from reviews.models import Reviewable, ReviewTrail


class RegionQuerySet(models.QuerySet):
    def in_scope(self):
        return self.filter(in_scope=True)

    def with_offices(self):
        """With the offices covering each region (and their heads) and the
        cercles: two prefetches, whatever the number of regions."""
        return self.prefetch_related(
            models.Prefetch("offices", queryset=Office.objects.select_related("head")),
            "cercles",
        )


# Built without a reverse() for each record (pages link to many of them).
REGION_ADDRESS = links.by_key("regions:detail")
PLAN_ADDRESS = links.by_key("regions:plan")


class Region(BilingualNameMixin, models.Model):
    """A first-level administrative region of Mali (ISO 3166-2 code)."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=10, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    in_scope = models.BooleanField(
        _("in the section's scope"),
        default=False,
        help_text=_("Regions where the section plans and funds stabilization work."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["-in_scope", "name_fr"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return REGION_ADDRESS(self.code)


class Cercle(models.Model):
    """A second-level subdivision of a region."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="cercles"
    )
    name = models.CharField(_("name"), max_length=100)
    # The seat town (chef-lieu), after which the cercle is named: where the
    # maps place a project located by its cercle alone (docs/maps.md).
    seat_latitude = models.DecimalField(
        _("latitude of the seat"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    seat_longitude = models.DecimalField(
        _("longitude of the seat"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = _("cercle")
        verbose_name_plural = _("cercles")
        ordering = ["region__name_fr", "name"]
        constraints = [
            models.UniqueConstraint("region", Lower("name"), name="cercle_unique_name_per_region")
        ]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A MINUSMA office: headquarters in Bamako or a regional office."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions covered"), related_name="offices", blank=True
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of office"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_offices",
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["-is_headquarters", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_headquarters"],
                condition=models.Q(is_headquarters=True),
                name="office_single_headquarters",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Pillar(models.TextChoices):
    SECURITY = "security", _("Security environment")
    SOCIAL_COHESION = "social_cohesion", _("Social cohesion")
    PRODUCTIVE = "productive", _("Productive activities")
    BASIC_SERVICES = "basic_services", _("Basic social services")
    STATE_AUTHORITY = "state_authority", _("Restoration of State authority")
    DIALOGUE = "dialogue", _("Inclusive dialogue")


class PlanQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("region")


class RegionalPlan(FSMModelMixin, ReviewTrail, Versioned):
    """A Regional Stabilization and Recovery Plan (PRSR)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        UNDER_REVIEW = "under_review", _("under review")
        VALIDATED = "validated", _("validated")
        ARCHIVED = "archived", _("archived")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=250)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        protected=True,
        db_index=True,
    )
    context_analysis = models.TextField(_("context analysis"), blank=True)
    validation_date = models.DateField(_("validation date"), null=True, blank=True)
    validating_authority = models.CharField(
        _("validating authority"),
        max_length=250,
        blank=True,
        help_text=_("For example the regional authorities that validated the plan."),
    )
    # Set from the form's one-time token: a form posted twice creates one plan.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "creation_token"])
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("regional plan")
        verbose_name_plural = _("regional plans")
        ordering = ["-period_start", "region__name_fr"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["region", "status", "period_start"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return PLAN_ADDRESS(self.pk)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.UNDER_REVIEW)

    # Sent for review by the office, validated or returned to draft by another
    # officer of headquarters: the portal's one workflow (reviews.services).
    review_kind = _("regional plan")
    REVIEW_FIELD = "status"
    AWAITING = Status.UNDER_REVIEW
    PUBLISHED_STATES = (Status.VALIDATED, Status.ARCHIVED)
    REVIEW_STEPS = {
        "submit": "_send_for_review",
        "approve": "_validate",
        "return": "_back_to_draft",
    }

    def review_problems(self, step: str) -> list[str]:
        if step == "submit" and not self.priorities.exists():
            return [_("Add at least one priority before sending the plan for review.")]
        if step != "approve":
            return []
        problems = []
        if not self.validation_date or not self.validating_authority.strip():
            problems.append(_("Give the validation date and the validating authority."))
        if self.overlaps_validated_plan():
            problems.append(
                _("Another validated plan of this region already covers part of this period.")
            )
        return problems

    @classmethod
    def queue_queryset(cls):
        return cls._default_manager.select_related("created_by", "submitted_by", "region")

    def state_refusal(self, step: str) -> str:
        return _("This plan is %(status)s: that step is not possible.") % {
            "status": self.get_status_display()
        }

    @classmethod
    def returned_q(cls) -> models.Q:
        return models.Q(status=cls.Status.DRAFT, reviewed_by__isnull=False)

    @classmethod
    def draft_q(cls) -> models.Q:
        return models.Q(status=cls.Status.DRAFT, reviewed_by__isnull=True)

    @transition(field=status, source=Status.DRAFT, target=Status.UNDER_REVIEW)
    def _send_for_review(self):
        pass

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.DRAFT)
    def _back_to_draft(self):
        pass

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.VALIDATED)
    def _validate(self):
        pass

    @transition(field=status, source=Status.VALIDATED, target=Status.ARCHIVED)
    def _archive(self):
        pass

    def overlaps_validated_plan(self) -> bool:
        """Another validated plan of the same region covers part of this period."""
        return (
            RegionalPlan.objects.filter(
                region_id=self.region_id,
                status=self.Status.VALIDATED,
                period_start__lte=self.period_end,
                period_end__gte=self.period_start,
            )
            .exclude(pk=self.pk)
            .exists()
        )


class PlanReportingObligation(ReportingRule):
    """How often the office of a region reports on its validated plan (a plan
    update per quarter, due so many days after it): every validated plan has
    its due updates from these (`regions.reporting`)."""

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan reporting obligation")
        verbose_name_plural = _("plan reporting obligations")
        ordering = ["frequency"]
        constraints = [
            models.UniqueConstraint(fields=["frequency"], name="plan_reporting_obligation_unique")
        ]

    def __str__(self) -> str:
        return gettext("Plan update, %(frequency)s") % {"frequency": self.get_frequency_display()}


class PlanPriority(Versioned):
    """A priority axis (axe prioritaire) of a regional plan."""

    plan = models.ForeignKey(
        RegionalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="priorities"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    pillar = models.CharField(_("pillar"), max_length=30, choices=Pillar.choices)
    estimated_cost_usd = models.DecimalField(
        _("estimated cost (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["creation_token"])

    class Meta:
        verbose_name = _("plan priority")
        verbose_name_plural = _("plan priorities")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint("plan", Lower("code"), name="priority_unique_code_per_plan"),
            models.CheckConstraint(
                condition=models.Q(estimated_cost_usd__gte=0)
                | models.Q(estimated_cost_usd__isnull=True),
                name="priority_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class PlanDocument(Attachment):
    plan = models.ForeignKey(
        RegionalPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="documents"
    )

    class Meta(Attachment.Meta):
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")

    def get_absolute_url(self) -> str:
        return reverse("regions:plan_document", args=[self.pk])


class PlanUpdate(Reviewable):
    """What a regional office reports on a plan for a period; reviewed by headquarters."""

    plan = models.ForeignKey(
        RegionalPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="updates"
    )
    period_start = models.DateField(_("reporting period start"))
    period_end = models.DateField(_("reporting period end"))
    narrative = models.TextField(_("overall narrative"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    access_constraints = models.TextField(
        _("access constraints"),
        blank=True,
        help_text=_("Insecurity or other constraints that limited access to sites."),
    )
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "creation_token"])

    review_kind = _("plan update")
    REGION_PATH = "plan__region"

    class Meta:
        verbose_name = _("plan update")
        verbose_name_plural = _("plan updates")
        ordering = ["-period_end", "-pk"]
        # The review queue counts what awaits review on every page.
        indexes = [models.Index(fields=["review_status", "submitted_by"], name="plan_update_queue")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_update_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(plan)s: update %(start)s – %(end)s") % {
            "plan": self.plan.region.name,
            "start": date_format(self.period_start, "SHORT_DATE_FORMAT"),
            "end": date_format(self.period_end, "SHORT_DATE_FORMAT"),
        }

    def get_absolute_url(self) -> str:
        return reverse("regions:update", args=[self.pk])

    @classmethod
    def queue_queryset(cls):
        return super().queue_queryset().select_related("plan__region")

    @staticmethod
    def period_problems(
        plan: RegionalPlan, *, start, end, exclude_pk=None, token=None
    ) -> dict[str, str]:
        """An update's period lies within its plan's and is reported once."""
        return report_period_problems(
            plan.updates.all(),
            start=start,
            end=end,
            first=plan.period_start,
            last=plan.period_end,
            outside=_("The period must lie within the plan's dates, from %(first)s to %(last)s."),
            exclude_pk=exclude_pk,
            token=token,
        )

    def clean(self) -> None:
        if self.plan_id is None:  # an admin form without its record yet
            return
        problems = self.period_problems(
            self.plan,
            start=self.period_start,
            end=self.period_end,
            exclude_pk=self.pk,
            token=self.creation_token,
        )
        if problems:
            raise ValidationError(problems)

    def submission_check(self) -> list[str]:
        reported = (
            self.progress.exclude(narrative="").exists()
            or self.progress.exclude(status=PriorityProgress.Status.NOT_REPORTED).exists()
        )
        if not reported:
            return [gettext("Report progress on at least one priority before submitting.")]
        return []


class PriorityProgress(models.Model):
    """Progress on one priority in a plan update."""

    class Status(models.TextChoices):
        NOT_REPORTED = "not_reported", _("not reported")
        ON_TRACK = "on_track", _("on track")
        DELAYED = "delayed", _("delayed")
        BLOCKED = "blocked", _("blocked")

    update = models.ForeignKey(
        PlanUpdate, verbose_name=_("plan update"), on_delete=models.CASCADE, related_name="progress"
    )
    priority = models.ForeignKey(
        PlanPriority, verbose_name=_("priority"), on_delete=models.PROTECT, related_name="progress"
    )
    status = models.CharField(
        _("progress"), max_length=20, choices=Status.choices, default=Status.NOT_REPORTED
    )
    narrative = models.TextField(_("narrative"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress on a priority")
        verbose_name_plural = _("progress on priorities")
        ordering = ["priority__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "priority"], name="progress_once_per_priority"
            )
        ]

    def __str__(self) -> str:
        return f"{self.priority.code}: {self.get_status_display()}"


class PlanUpdateAttachment(Attachment):
    update = models.ForeignKey(
        PlanUpdate,
        verbose_name=_("plan update"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )

    class Meta(Attachment.Meta):
        verbose_name = _("plan update attachment")
        verbose_name_plural = _("plan update attachments")

    def get_absolute_url(self) -> str:
        return reverse("regions:update_attachment", args=[self.pk])


# --- Results: the outcome indicators of a priority and their targets ----------------
# What a priority should change, measured in a unit; the indicators of its
# projects contribute to them (projects.Indicator.outcome) and
# `portfolio.results` rolls their approved reports up.


class OutcomeIndicator(models.Model):
    """An outcome indicator of a plan priority, with its baseline and its
    overall target (by the end of the plan); its targets per period are
    `targets`."""

    priority = models.ForeignKey(
        PlanPriority,
        verbose_name=_("priority"),
        on_delete=models.CASCADE,
        related_name="outcome_indicators",
    )
    title = models.CharField(_("title"), max_length=250)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(Decimal("0"))],
    )
    target = models.DecimalField(
        _("overall target"),
        max_digits=14,
        decimal_places=2,
        help_text=_("The value to reach by the end of the plan."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome indicator")
        verbose_name_plural = _("outcome indicators")
        ordering = ["priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target__gt=0), name="outcome_indicator_target_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(baseline__gte=0), name="outcome_indicator_baseline_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """Outcome indicators and their targets change until the plan is archived:
        a validated plan gets its results framework as its projects report."""
        return self.priority.plan.status != RegionalPlan.Status.ARCHIVED

    @staticmethod
    def value_problems(values: dict) -> dict[str, str]:
        """A baseline below zero or an overall target that is not above zero."""
        problems = {}
        baseline, target = values.get("baseline"), values.get("target")
        if baseline is not None and baseline < 0:
            problems["baseline"] = gettext("The baseline cannot be negative.")
        if target is not None and target <= 0:
            problems["target"] = gettext("The target must be greater than zero.")
        return problems

    def clean(self) -> None:
        problems = self.value_problems({"baseline": self.baseline, "target": self.target})
        if problems:
            raise ValidationError(problems)


class OutcomeTarget(PeriodTarget):
    """The value an outcome indicator should reach by the end of a period."""

    indicator = models.ForeignKey(
        OutcomeIndicator,
        verbose_name=_("outcome indicator"),
        on_delete=models.CASCADE,
        related_name="targets",
    )

    history = HistoricalRecords()

    class Meta(PeriodTarget.Meta):
        verbose_name = _("outcome target")
        verbose_name_plural = _("outcome targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="outcome_target_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="outcome_target_not_negative"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="outcome_target_once_per_period"
            ),
        ]

    @staticmethod
    def problems(indicator: OutcomeIndicator, values: dict, *, exclude_pk=None) -> dict[str, str]:
        """Within the plan's dates, overlapping none of the indicator's other targets."""
        plan = indicator.priority.plan
        return target_problems(
            indicator.targets.all(),
            values,
            first=plan.period_start,
            last=plan.period_end,
            outside=_("The period must lie within the plan's dates, from %(first)s to %(last)s."),
            exclude_pk=exclude_pk,
        )

    def clean(self) -> None:
        if self.indicator_id is None:
            return
        values = {name: getattr(self, name) for name in ("period_start", "period_end", "value")}
        problems = self.problems(self.indicator, values, exclude_pk=self.pk)
        if problems:
            raise ValidationError(problems)
