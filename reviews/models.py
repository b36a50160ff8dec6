"""The review workflow shared by plan updates, progress reports and
indicator reports: draft → submitted → approved, or submitted → returned
(with a comment) → submitted again."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


class Reviewable(FSMModelMixin, models.Model):
    """Abstract base of everything a regional office submits for review.

    The status changes only through `reviews.services`, which records each
    step as a `ReviewEvent`; the transitions below are the allowed moves.
    """

    review_status = FSMField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        protected=True,
        db_index=True,
    )
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

    @property
    def is_locked(self) -> bool:
        """Approved items are read-only for everybody (admins reopen them in admin)."""
        return self.review_status == ReviewStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.review_status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)

    @property
    def awaits_review(self) -> bool:
        return self.review_status == ReviewStatus.SUBMITTED

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

    def submission_check(self) -> list[str]:
        """Reasons this item cannot be submitted yet; subclasses add theirs."""
        return []

    @classmethod
    def queue_queryset(cls) -> models.QuerySet:
        """What the review queue lists; subclasses join what their rows show."""
        return cls._default_manager.select_related("created_by", "submitted_by")


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
