from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNameMixin:
    """`name` in the active language, from `name_fr` and `name_en`."""

    @property
    def name(self) -> str:
        if (get_language() or "fr").startswith("en") and self.name_en:
            return self.name_en
        return self.name_fr


class RegionQuerySet(models.QuerySet):
    def in_scope(self):
        return self.filter(in_scope=True)


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
        return reverse("regions:detail", args=[self.code])


class Cercle(models.Model):
    """A second-level subdivision of a region."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="cercles"
    )
    name = models.CharField(_("name"), max_length=100)

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
