"""Pillar 3: partners and the coordination bodies where they meet, their
meetings and the decisions (action points) taken there."""

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.models import Attachment
from core.text import in_active_language


class OrganisationQuerySet(models.QuerySet):
    def by_label(self):
        """In the order of their labels: by acronym, or name where there is none."""
        return self.order_by(Lower(Coalesce(NullIf("acronym", Value("")), "name")), "name")


class Organisation(models.Model):
    """A technical and financial partner (PTF) or any other organisation.

    Each keeps its own name; pages show one label: the acronym with the full
    name on hover (the `organisation` template filter), lists and choices
    "ACR — Full name" (`label`)."""

    class Kind(models.TextChoices):
        BILATERAL = "bilateral", _("Bilateral donor")
        MULTILATERAL = "multilateral", _("Multilateral organisation")
        UN_AGENCY = "un_agency", _("UN agency")
        INTERNATIONAL_NGO = "ingo", _("International NGO")
        NATIONAL_NGO = "ngo", _("National NGO / civil society")
        GOVERNMENT = "government", _("Government")
        LOCAL_AUTHORITY = "local_authority", _("Regional or local authority")
        PRIVATE = "private", _("Private sector")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    country = CountryField(_("country"), blank=True, db_index=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_unique_name",
                violation_error_message=_("An organisation with this name already exists."),
            ),
            models.UniqueConstraint(
                Lower("acronym"),
                condition=~models.Q(acronym=""),
                name="organisation_unique_acronym",
                violation_error_message=_("An organisation with this acronym already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.acronym or self.name

    def get_absolute_url(self) -> str:
        return reverse("coordination:organisation", args=[self.pk])

    # Kinds of organisation that are local actors of Mali (when in Mali, or
    # of no recorded country): what a Quick Impact Project must be
    # implemented by.
    LOCAL_KINDS = frozenset(
        {Kind.NATIONAL_NGO, Kind.LOCAL_AUTHORITY, Kind.GOVERNMENT, Kind.PRIVATE}
    )

    @property
    def is_local(self) -> bool:
        return self.kind in self.LOCAL_KINDS and self.country.code in ("ML", "", None)

    @property
    def label(self) -> str:
        """Acronym and name, for lists and choices: "PNUD — Programme des Nations
        Unies…"; the name alone where there is no acronym."""
        return f"{self.acronym} — {self.name}" if self.acronym else self.name

    @property
    def website_link(self) -> str:
        """The website if a browser may follow it as a link (http or https),
        else "": a `javascript:` or `data:` address stored by another way than
        the form (admin action, import, database) is shown as text only."""
        scheme = self.website.split(":", 1)[0].strip().lower() if ":" in self.website else ""
        return self.website if scheme in ("http", "https") else ""


class BodyQuerySet(models.QuerySet):
    def national(self):
        return self.filter(region__isnull=True)


class CoordinationBody(models.Model):
    class Kind(models.TextChoices):
        DONOR_GROUP = "donor_group", _("Donor coordination group")
        REHABILITATION = "rehabilitation", _("Post-conflict rehabilitation commission")
        REGIONAL_COMMITTEE = "regional_committee", _("Regional committee")
        POLITICAL_DIALOGUE = "political_dialogue", _("Political dialogue")
        OTHER = "other", _("Other")

    # The name in French, the mission's working language, and in English;
    # `display_name` is the one for the reader's language.
    name = models.CharField(_("name (French)"), max_length=250, unique=True)
    name_en = models.CharField(
        _("name (English)"),
        max_length=250,
        blank=True,
        help_text=_("Left empty, the French name is shown in English too."),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordination_bodies",
        help_text=_("Leave empty for a national body."),
    )
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Organisation, through="Membership", related_name="bodies", verbose_name=_("members")
    )

    history = HistoricalRecords()
    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordination body")
        verbose_name_plural = _("coordination bodies")
        ordering = ["region__name_fr", "name"]

    def __str__(self) -> str:
        return self.acronym or self.display_name

    def get_absolute_url(self) -> str:
        return reverse("coordination:body", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        return in_active_language(self.name, self.name_en)

    @property
    def scope(self) -> str:
        return self.region.name if self.region_id else str(_("National"))


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")
        SECRETARIAT = "secretariat", _("Secretariat")

    body = models.ForeignKey(
        CoordinationBody,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("since"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "organisation"],
                condition=models.Q(end_date__isnull=True),
                name="membership_one_current_per_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now()).order_by("starts_at")


class Meeting(models.Model):
    body = models.ForeignKey(
        CoordinationBody, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("date and time"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("attending organisations"), blank=True, related_name="meetings"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attending staff"),
        blank=True,
        related_name="meetings",
    )
    other_attendees = models.TextField(
        _("other attendees"), blank=True, help_text=_("Names of people from outside the portal.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["creation_token"])
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["body", "starts_at"])]

    def __str__(self) -> str:
        return (
            f"{self.body} — {date_format(timezone.localtime(self.starts_at), 'SHORT_DATE_FORMAT')}"
        )

    def get_absolute_url(self) -> str:
        return reverse("coordination:meeting", args=[self.pk])


class MeetingDocument(Attachment):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="documents"
    )

    class Meta(Attachment.Meta):
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def get_absolute_url(self) -> str:
        return reverse("coordination:meeting_document", args=[self.pk])


class DecisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status__in=[Decision.Status.OPEN, Decision.Status.IN_PROGRESS])

    def overdue(self, today=None):
        return self.pending().filter(due_date__lt=today or timezone.localdate())


class Decision(models.Model):
    """An action point decided at a meeting."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    plan = models.ForeignKey(
        "regions.RegionalPlan",
        verbose_name=_("regional plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )

    # Named by string: coordination never imports the projects app above it.
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )

    history = HistoricalRecords()
    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "…"

    def get_absolute_url(self) -> str:
        return reverse("coordination:decision", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    def is_overdue(self, today=None) -> bool:
        return bool(
            self.is_pending and self.due_date and self.due_date < (today or timezone.localdate())
        )
