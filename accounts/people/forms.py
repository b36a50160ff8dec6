"""The forms that invite a person and change their office and role."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import User
from accounts.roles import Role
from core.forms import ModelForm

USERNAME_LENGTH = User._meta.get_field("username").max_length
DUPLICATE_EMAIL = _("A person with this e-mail address already has an account.")

# The office each role needs: headquarters staff sit in Bamako, regional
# staff in the office whose regions they edit (`regions.access`).
HEADQUARTERS_ROLES = frozenset({Role.HQ_OFFICER, Role.FUND_MANAGER})
REGIONAL_ROLES = frozenset({Role.HEAD_OF_OFFICE, Role.REGIONAL_OFFICER})


def office_problem(role: Role | None, office) -> str | None:
    """Why `office` does not suit `role`, or None. Partners and viewers may
    belong to no office; every other role needs one."""
    if role in HEADQUARTERS_ROLES and not (office and office.is_headquarters):
        return _("%(role)s works at headquarters: choose the headquarters office.") % {
            "role": role.label
        }
    if role in REGIONAL_ROLES and not (office and not office.is_headquarters):
        return _("%(role)s works in a regional office: choose a regional office.") % {
            "role": role.label
        }
    if role == Role.USER_MANAGER and office is None:
        return _("A user manager belongs to an office: choose one.")
    return None


class _RoleAndOffice(ModelForm):
    """The role, among those the manager may give, and the office that suits
    it. A form of the user model, whose `office` field gives the offices
    (an app above this one), but which saves nothing: the services do."""

    role = forms.ChoiceField(label=_("Role"), required=False)

    class Meta:
        model = User
        fields = ["office"]

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].empty_label = _("No office")
        self.fields["role"].choices = [("", _("No role"))] + [
            (role.value, role.label) for role in access.grantable_roles(manager)
        ]

    def clean_role(self):
        value = self.cleaned_data["role"]
        return Role(value) if value else None

    def clean(self):
        cleaned = super().clean()
        if "role" in cleaned and "office" in cleaned:
            problem = office_problem(cleaned["role"], cleaned["office"])
            if problem:
                self.add_error("office", problem)
        return cleaned


class InvitationForm(_RoleAndOffice):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language", "office"]
        labels = {"language": _("Language of the invitation")}
        help_texts = {
            "email": _("The invitation goes to this address, which is also the user name.")
        }

    field_order = ["first_name", "last_name", "email", "language", "office", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if len(email) > USERNAME_LENGTH:
            # The address is also the user name, which is shorter.
            raise forms.ValidationError(
                _("Use an address of at most %(length)d characters.") % {"length": USERNAME_LENGTH},
                code="max_length",
            )
        taken = User.objects.filter(email__iexact=email) | User.objects.filter(
            username__iexact=email
        )
        if taken.exists():
            raise forms.ValidationError(DUPLICATE_EMAIL, code="duplicate")
        return email


class PersonForm(_RoleAndOffice):
    """A person's office and role."""


class InvitationPasswordForm(SetPasswordForm):
    """The invitee's first password. Saved alone: a password is no change
    the audit shows (history leaves it out), and the person's other details
    stay as the manager left them."""

    def save(self, commit=True):
        self.user.set_password(self.cleaned_data["new_password1"])
        if commit:
            self.user.save(update_fields=["password"])
        return self.user
