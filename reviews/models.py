"""The review workflow shared by every record headquarters reviews: plan
updates, progress and indicator reports, projects and regional plans."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


class ReviewTrail(models.Model):
    """Abstract base of every record that headquarters reviews: plan updates
    and reports (`Reviewable`), projects and regional plans; who created it,
    who submitted it and who reviewed it, and when.

    `reviews.services` moves such a record through its own status field
    (`REVIEW_FIELD`) by the transitions named in `REVIEW_STEPS`, checks the
    four-eyes rule (`reviews.rules`), records each step as a `ReviewEvent` and
    e-mails the people concerned. A model adds its own conditions to a step
    in `review_problems` and may record more in `after_review_step`.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        abstract = True

    # Human description used in the queue and in e-mails, e.g. "Gao plan update, Q1 2024".
    review_kind = _("item")
    # The status field the workflow moves, its value while awaiting review,
    # and the model's transitions for each step of the review.
    REVIEW_FIELD = "review_status"
    AWAITING = "submitted"
    REVIEW_STEPS = {"submit": "_submit", "approve": "_approve", "return": "_return"}

    # The states in which partners and viewers may read the record
    # (reviews.visibility), and the lookup from the record to its region.
    PUBLISHED_STATES = ("approved",)
    REGION_PATH = "region"

    @property
    def is_published(self) -> bool:
        return self.review_state in self.PUBLISHED_STATES

    @property
    def region_id_of_record(self) -> int:
        """The id of the record's region, through `REGION_PATH` (the pages
        join what it crosses)."""
        *through, last = self.REGION_PATH.split("__")
        record = self
        for name in through:
            record = getattr(record, name)
        return getattr(record, f"{last}_id")

    @classmethod
    def published_q(cls) -> models.Q:
        return models.Q(**{f"{cls.REVIEW_FIELD}__in": cls.PUBLISHED_STATES})

    @property
    def review_state(self) -> str:
        return getattr(self, self.REVIEW_FIELD)

    @property
    def review_state_label(self) -> str:
        return getattr(self, f"get_{self.REVIEW_FIELD}_display")()

    @property
    def awaits_review(self) -> bool:
        return self.review_state == self.AWAITING

    def review_problems(self, step: str) -> list[str]:
        """Why `step` ("submit", "approve" or "return") cannot be taken now,
        beyond the state and the reviewer; each model adds its conditions."""
        return []

    def state_refusal(self, step: str) -> str:
        """What to say when the record's state does not allow `step`."""
        return {
            "submit": _("Only a draft or a returned item can be submitted."),
            "approve": _("Only a submitted item can be approved."),
            "return": _("Only a submitted item can be returned."),
        }[step]

    def after_review_step(self, *, step: str, old_state: str, by, comment: str) -> None:
        """What the model records of a step besides its `ReviewEvent`."""

    @classmethod
    def queue_queryset(cls) -> models.QuerySet:
        """What the review queue lists; subclasses join what their rows show."""
        return cls._default_manager.select_related("created_by", "submitted_by")

    @classmethod
    def awaiting_q(cls) -> models.Q:
        return models.Q(**{cls.REVIEW_FIELD: cls.AWAITING})

    @classmethod
    def returned_q(cls) -> models.Q:
        """Sent back by a reviewer and not submitted again since."""
        return models.Q(**{cls.REVIEW_FIELD: ReviewStatus.RETURNED})

    @classmethod
    def draft_q(cls) -> models.Q:
        return models.Q(**{cls.REVIEW_FIELD: ReviewStatus.DRAFT})


class Reviewable(FSMModelMixin, ReviewTrail):
    """Abstract base of the reports a regional office submits for review:
    draft → submitted → approved, or submitted → returned (with a comment)
    → submitted again. The transitions below are the allowed moves.
    """

    review_status = FSMField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        protected=True,
        db_index=True,
    )

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        """Approved items are read-only for everybody (admins reopen them in admin)."""
        return self.review_status == ReviewStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.review_status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)

    @transition(
        field=review_status,
        source=[ReviewStatus.DRAFT, ReviewStatus.RETURNED],
        target=ReviewStatus.SUBMITTED,
    )
    def _submit(self):
        pass

    @transition(field=review_status, source=ReviewStatus.SUBMITTED, target=ReviewStatus.APPROVED)
    def _approve(self):
        pass

    @transition(field=review_status, source=ReviewStatus.SUBMITTED, target=ReviewStatus.RETURNED)
    def _return(self):
        pass

    @transition(field=review_status, source=ReviewStatus.APPROVED, target=ReviewStatus.RETURNED)
    def _reopen(self):
        pass

    def review_problems(self, step: str) -> list[str]:
        return self.submission_check() if step == "submit" else []

    def submission_check(self) -> list[str]:
        """Reasons this item cannot be submitted yet; subclasses add theirs."""
        return []


class ReviewEvent(models.Model):
    """One step in the life of a reviewable item: the timeline."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")
        REOPENED = "reopened", _("reopened by an administrator")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="review_events",
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="returned") | ~models.Q(comment=""),
                name="review_event_return_has_comment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.actor}"

    @classmethod
    def first_submissions(cls, model, ids) -> dict:
        """The day each of `model`'s records `ids` was first sent for review
        (one query): a report sent, returned and sent again counts from its
        first sending."""
        rows = (
            cls.objects.filter(
                content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
                object_id__in=list(ids),
                action=cls.Action.SUBMITTED,
            )
            .values("object_id")
            .annotate(first=models.Min("at"))
        )
        return {row["object_id"]: timezone.localdate(row["first"]) for row in rows}
