import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import Role
from core import cached_figures

# What a user's history leaves out: secrets (the password hash, the calendar
# feed key), the time of the last sign-in, the display language and the
# weekly digest, personal settings that say nothing about who may do what.
UNTRACKED_USER_FIELDS = ("password", "last_login", "calendar_token", "language", "receives_digest")


class UserHistory(HistoricalRecords):
    """The history of users, with their groups (roles) and permissions.

    simple-history records a row on every save and on every change of the
    groups; this adds two things. A save that writes only fields history leaves
    out (a sign-in writes `last_login`, a renewal the calendar key) makes no
    empty record. A change made from the group's side (`group.user_set.add(user)`),
    which simple-history does not handle, is recorded on each user concerned.
    """

    def post_save(self, instance, created, using=None, update_fields=None, **kwargs):
        if not created and update_fields and set(update_fields) <= set(UNTRACKED_USER_FIELDS):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        # `instance` is the group (or permission), `pk_set` the users.
        users_model = kwargs["model"]
        if action == "pre_clear":
            instance._history_users_before_clear = list(
                users_model._default_manager.filter(**{attr: instance})
            )
            return
        if action == "post_clear":
            users = instance.__dict__.pop("_history_users_before_clear", [])
        elif action in ("post_add", "post_remove"):
            users = users_model._default_manager.filter(pk__in=pk_set)
        else:
            return
        for user in users:
            if hasattr(instance, "_history_user"):
                user._history_user = instance._history_user
            self.create_historical_record(user, "~")

    def record(self, user, *, created: bool) -> None:
        """Record `user` as it is now, groups included: for a save that kept
        history aside (`skip_history_when_saving`) until its groups were saved."""
        self.create_historical_record(user, "+" if created else "~")


user_history = UserHistory(
    m2m_fields=["groups", "user_permissions"], excluded_fields=list(UNTRACKED_USER_FIELDS)
)


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
    # Who changed a person's details, role (groups), rights and office, and when.
    history = user_history

    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    # Reminders of overdue items go whatever this says (portfolio/reminders.py).
    receives_digest = models.BooleanField(
        _("weekly digest by e-mail"),
        default=True,
        help_text=_("Once a week, an e-mail of the reports, decisions and reviews awaiting you."),
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
        """The user's role, read from their groups (the first one that is a
        role); kept in the figures cache until a user or their groups change."""
        if self.pk is None:
            return None
        value = cached_figures.cached("role", self._role_from_groups, self.pk)
        return Role(value) if value else None

    def _role_from_groups(self) -> str:
        """The value of the role ("" for none: the cache keeps no None)."""
        names = {group.name for group in self.groups.all()}
        for role in Role:
            if role.value in names:
                return role.value
        return ""


class ApiTokenHistory(HistoricalRecords):
    """History of API tokens: who made or revoked which. Recording the time of
    last use (at most once a minute) is no change and makes no record."""

    def post_save(self, instance, created, using=None, update_fields=None, **kwargs):
        if not created and update_fields and set(update_fields) <= {"last_used_at"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now):
        """Tokens that still open the API at `now`: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A personal token for the read API (`accounts.api_auth`).

    Only the SHA-256 of the secret is kept: the secret is shown once, when the
    token is made, and cannot be read again. The prefix (the secret's first
    characters) lets its owner tell their tokens apart."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(
        _("SHA-256 of the secret"), max_length=64, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    objects = ApiTokenQuerySet.as_manager()
    history = ApiTokenHistory(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
