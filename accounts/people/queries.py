"""The reads of people management: the list and who may give a role."""

from django.contrib.auth.models import Group
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from accounts.models import User
from accounts.roles import Role

# How many people the dashboard names to someone without a role.
ROLE_GIVERS_SHOWN = 5


def _role_groups(**filters):
    return Group.objects.filter(user=OuterRef("pk"), name__in=Role.values, **filters)


def people() -> QuerySet[User]:
    """Everyone, with their office and the value of their role
    (`role_value`, "" for none) read in the same query."""
    return (
        User.objects.select_related("office")
        .annotate(
            role_value=Subquery(_role_groups().order_by("name").values("name")[:1]),
        )
        .order_by("last_name", "first_name", "username")
    )


def role_label(value: str | None) -> str:
    """A role's name in the current language, never its code."""
    return str(Role(value).label) if value in Role.values else ""


def awaits_invitation(person: User) -> bool:
    """Invited, and has not chosen a password yet."""
    return person.last_login is None and not person.has_usable_password()


def role_givers(person: User) -> list[User]:
    """Who can give `person` a role: the active user managers and
    administrators with an e-mail address, those of `person`'s office first.
    One query."""
    managers = _role_groups(name=Role.USER_MANAGER.value)
    return list(
        User.objects.filter(Q(Exists(managers)) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .exclude(pk=person.pk)
        .annotate(
            same_office=Case(
                When(office_id=person.office_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
            if person.office_id
            else Value(0, output_field=IntegerField())
        )
        .order_by("same_office", "is_superuser", "last_name", "first_name", "username")[
            :ROLE_GIVERS_SHOWN
        ]
    )
