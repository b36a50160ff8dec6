import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class PortalUserManager(UserManager):
    def get_queryset(self):
        # Every page shows the signed-in user's office in its header.
        return super().get_queryset().select_related("office")


class User(AbstractUser):
    """A person who signs in. Belongs to at most one office; holds one role
    through the group of the same name."""

    office = models.ForeignKey(
        "regions.Office",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    objects = PortalUserManager()

    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    # The secret in the address of the person's calendar feed of meetings
    # (calendar applications cannot sign in); reset it to revoke old links.
    calendar_token = models.UUIDField(
        _("calendar feed key"), default=uuid.uuid4, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role(self) -> Role | None:
        """The user's role, read from their groups (the first one that is a role)."""
        names = {group.name for group in self.groups.all()}
        for role in Role:
            if role.value in names:
                return role
        return None
