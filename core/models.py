"""Abstract models and mixins every app builds on: names in two languages,
optimistic locking, attached files."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.files import upload_path


class BilingualNameMixin:
    """`name` in the active language, from `name_fr` and `name_en`."""

    @property
    def name(self) -> str:
        if (get_language() or "fr").startswith("en") and self.name_en:
            return self.name_en
        return self.name_fr


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
