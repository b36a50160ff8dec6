"""What the read API shows of each record. Figures are read where they are
defined (`funding.figures`, `portfolio.ledgers`, `funding.filters.listed_contributions`),
never computed here."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination.models import CoordinationBody, Decision, Meeting, Organisation
from funding.models import Contribution, Expenditure, FundingApproval, Mechanism, Tranche
from projects.models import Indicator, IndicatorReport, Location, Project
from regions.models import PlanPriority, RegionalPlan

MONEY = {"max_digits": 18, "decimal_places": 2, "read_only": True}


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RegionalPlan
        fields = [
            "id",
            "region",
            "title",
            "period_start",
            "period_end",
            "status",
            "validation_date",
            "validating_authority",
            "context_analysis",
        ]


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanPriority
        fields = ["id", "plan", "code", "title", "description", "pillar", "estimated_cost_usd"]


class LocationSerializer(serializers.ModelSerializer):
    """A place of a project. The exact coordinates of a sensitive location
    never leave the portal through the API, whoever asks: like the exports,
    the API sends data outside the pages (docs/security.md)."""

    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    coordinates_withheld = serializers.SerializerMethodField()

    class Meta:
        model = Location
        fields = ["id", "place", "cercle", "latitude", "longitude", "coordinates_withheld"]

    @extend_schema_field(serializers.BooleanField())
    def get_coordinates_withheld(self, location) -> bool:
        return location.is_sensitive

    def to_representation(self, location):
        data = super().to_representation(location)
        if location.is_sensitive:
            data["latitude"] = data["longitude"] = None
        return data


class ProjectSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    mechanism = serializers.SlugRelatedField(slug_field="code", read_only=True)
    window = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    implementing_partner = serializers.StringRelatedField()
    locations = LocationSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "summary",
            "status",
            "region",
            "priority",
            "mechanism",
            "window",
            "implementing_partner",
            "budget_amount",
            "budget_currency",
            "budget_usd",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "women",
            "men",
            "girls",
            "boys",
            "gender_marker",
            "locations",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "project", "title", "unit", "baseline", "target", "aggregation", "outcome"]


class ResultSerializer(serializers.ModelSerializer):
    """An approved report of an indicator: the value achieved in a period."""

    class Meta:
        model = IndicatorReport
        fields = [
            "id",
            "indicator",
            "period_start",
            "period_end",
            "value",
            "value_women",
            "value_men",
            "value_girls",
            "value_boys",
            "comment",
        ]


class FiguresSerializer(serializers.Serializer):
    """A ledger row (`funding.figures.Figures`), in US dollars."""

    pledged = serializers.DecimalField(**MONEY)
    received = serializers.DecimalField(**MONEY)
    approved = serializers.DecimalField(**MONEY)
    transferred = serializers.DecimalField(**MONEY)
    spent = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    # Spent ÷ transferred, as a percentage; null when nothing was transferred.
    delivery_rate = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True
    )


class MechanismSerializer(serializers.ModelSerializer):
    # Given by the view from `portfolio.ledgers.attach_figures`.
    figures = FiguresSerializer(read_only=True)

    class Meta:
        model = Mechanism
        fields = [
            "id",
            "code",
            "acronym",
            "name_fr",
            "name_en",
            "approving_body",
            "approving_body_en",
            "ceiling_usd",
            "max_duration_months",
            "figures",
        ]


class ContributionSerializer(serializers.ModelSerializer):
    donor = serializers.StringRelatedField()
    mechanism = serializers.SlugRelatedField(slug_field="code", read_only=True)
    earmark_region = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    # Summed by `funding.filters.listed_contributions`, in US dollars.
    pledged_usd = serializers.DecimalField(**MONEY)
    received_usd = serializers.DecimalField(**MONEY)
    approved_usd = serializers.DecimalField(**MONEY)
    available_usd = serializers.DecimalField(**MONEY)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "donor",
            "mechanism",
            "earmark_region",
            "earmark_pillar",
            "pledged_on",
            "amount",
            "currency",
            "amount_usd",
            "reference",
            "pledged_usd",
            "received_usd",
            "approved_usd",
            "available_usd",
        ]


MONEY_FIELDS = ["id", "project", "amount", "currency", "amount_usd", "units_per_usd"]


class ApprovalSerializer(serializers.ModelSerializer):
    mechanism = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = FundingApproval
        fields = [
            *MONEY_FIELDS,
            "mechanism",
            "contribution",
            "approved_on",
            "approving_body",
            "decision_reference",
        ]


class TrancheSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tranche
        fields = [*MONEY_FIELDS, "paid_on", "reference"]


class ExpenditureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expenditure
        fields = [*MONEY_FIELDS, "spent_on", "category", "description", "beyond_transfers"]


class OrganisationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)
    # An address, or "" where none is known.
    website = serializers.CharField(read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "kind", "country", "website", "is_active"]


class BodySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = CoordinationBody
        fields = ["id", "name", "name_en", "acronym", "kind", "region", "description"]


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "body", "starts_at", "place", "agenda", "minutes"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "text",
            "owner_organisation",
            "due_date",
            "status",
            "plan",
            "project",
        ]
