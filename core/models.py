"""Abstract models and mixins every app builds on: names in two languages,
optimistic locking, attached files; and the filters people save on lists."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import upload_path
from core.text import in_active_language


class BilingualNameMixin:
    """`name` in the active language, from `name_fr` and `name_en`."""

    @property
    def name(self) -> str:
        return in_active_language(self.name_fr, self.name_en)


class Versioned(models.Model):
    """Optimistic locking: a save must name the version it started from
    (see `core.versioning.save_versioned`)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class Attachment(models.Model):
    """Abstract base of an attached file. Concrete subclasses add the link to
    their record; files are served only through views that check access."""

    file = models.FileField(_("file"), upload_to=upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.original_name


class SavedFilterQuerySet(models.QuerySet):
    def of(self, user, path: str):
        """The filters `user` saved on the list at `path`, by name."""
        return self.filter(user=user, path=path).order_by("name", "pk")


class SavedFilter(models.Model):
    """A person's named choice of filters on one list ("my Gao QIPs"): the
    list's address and the query string of its filters, kept to the list's
    own filters (`core.saved_filters`). Only its owner sees it."""

    NAME_MAX_LENGTH = 80

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_filters",
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    path = models.CharField(_("list"), max_length=200)
    query = models.CharField(_("filters"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()
    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["user", "path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path", "name"], name="saved_filter_unique_name_per_list"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path
