"""Choice fields of organisations, for every form that picks one (a
meeting's organisations, a decision's owner, a body's member, a project's
partner, a contribution's donor): each choice reads "ACR — Full name"
(`Organisation.label`)."""

from coordination.models import Organisation
from core.forms import ModelChoiceField, ModelMultipleChoiceField


class OrganisationLabelMixin:
    def label_from_instance(self, organisation: Organisation) -> str:
        return organisation.label


class OrganisationField(OrganisationLabelMixin, ModelChoiceField):
    """One organisation."""


class OrganisationsField(OrganisationLabelMixin, ModelMultipleChoiceField):
    """Several organisations."""
