"""The read API: every list the portal's pages show, as JSON, with the same
filters (each app's `filters.py`) and the same access rules
(`reviews.visibility`: a partner reads what a partner reads). Read-only and
throttled per token (settings `REST_FRAMEWORK`, `accounts.api_auth`)."""

from django.db.models import F, Prefetch
from rest_framework import pagination, viewsets

from coordination.filters import DecisionFilter, MeetingFilter, OrganisationFilter
from coordination.models import CoordinationBody, Decision, Meeting, Organisation
from funding.filters import ContributionFilter, listed_contributions
from funding.models import Expenditure, FundingApproval, Mechanism, Tranche
from portfolio import ledgers
from portfolio.api import serializers
from projects.filters import ProjectFilter, listed_projects
from projects.models import Indicator, IndicatorReport, Location, Project
from regions.filters import PlanFilter
from regions.models import PlanPriority, RegionalPlan
from reviews.models import ReviewStatus
from reviews.visibility import visible


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination


def readable_projects(user):
    """The projects `user` may read, as a subquery of keys."""
    return visible(Project.objects.all(), user).values("pk")


class PlanViewSet(ReadViewSet):
    """Regional stabilization and recovery plans (partners: validated and archived)."""

    serializer_class = serializers.PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        plans = RegionalPlan.objects.select_related("region").order_by(
            "region__code", "-period_start", "pk"
        )
        return visible(plans, self.request.user)


class PriorityViewSet(ReadViewSet):
    """The priorities of the plans one may read."""

    serializer_class = serializers.PrioritySerializer
    filterset_fields = ["plan", "pillar"]

    def get_queryset(self):
        plans = visible(RegionalPlan.objects.all(), self.request.user).values("pk")
        return PlanPriority.objects.filter(plan__in=plans).order_by("plan", "code", "pk")


class ProjectViewSet(ReadViewSet):
    """Projects (partners: from their approval on, not cancelled), with their
    locations; a sensitive location's coordinates are withheld."""

    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        locations = Location.objects.order_by("pk")
        projects = listed_projects().prefetch_related(Prefetch("locations", queryset=locations))
        return visible(projects, self.request.user).order_by("code")


class IndicatorViewSet(ReadViewSet):
    """The indicators of the projects one may read."""

    serializer_class = serializers.IndicatorSerializer
    filterset_fields = ["project", "outcome"]

    def get_queryset(self):
        projects = readable_projects(self.request.user)
        return Indicator.objects.filter(project__in=projects).order_by("project", "pk")


class ResultViewSet(ReadViewSet):
    """Approved indicator reports of the projects one may read."""

    serializer_class = serializers.ResultSerializer
    filterset_fields = ["indicator", "indicator__project"]

    def get_queryset(self):
        projects = readable_projects(self.request.user)
        reports = IndicatorReport.objects.filter(
            review_status=ReviewStatus.APPROVED, indicator__project__in=projects
        )
        return visible(reports, self.request.user).order_by("indicator", "period_end", "pk")


class MechanismViewSet(ReadViewSet):
    """Financing mechanisms, each with its ledger's figures in US dollars
    (`portfolio.ledgers`)."""

    serializer_class = serializers.MechanismSerializer
    queryset = Mechanism.objects.order_by("code")
    filter_backends = []

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else ledgers.attach_figures(page)

    def get_object(self):
        return ledgers.attach_figures([super().get_object()])[0]


class ContributionViewSet(ReadViewSet):
    """Donors' contributions with their figures (`funding.filters.listed_contributions`)."""

    serializer_class = serializers.ContributionSerializer
    filterset_class = ContributionFilter

    def get_queryset(self):
        return listed_contributions().order_by("-pledged_on", "pk")


class ProjectMoneyViewSet(ReadViewSet):
    """Money recorded for the projects one may read."""

    filterset_fields = ["project"]
    model = None

    def get_queryset(self):
        projects = readable_projects(self.request.user)
        return self.model.objects.filter(project__in=projects).order_by("project", "pk")


class ApprovalViewSet(ProjectMoneyViewSet):
    serializer_class = serializers.ApprovalSerializer
    filterset_fields = ["project", "mechanism", "contribution"]
    model = FundingApproval

    def get_queryset(self):
        return super().get_queryset().select_related("mechanism")


class TrancheViewSet(ProjectMoneyViewSet):
    serializer_class = serializers.TrancheSerializer
    model = Tranche


class ExpenditureViewSet(ProjectMoneyViewSet):
    serializer_class = serializers.ExpenditureSerializer
    filterset_fields = ["project", "category"]
    model = Expenditure


class OrganisationViewSet(ReadViewSet):
    serializer_class = serializers.OrganisationSerializer
    filterset_class = OrganisationFilter
    queryset = Organisation.objects.order_by("name", "pk")


class BodyViewSet(ReadViewSet):
    serializer_class = serializers.BodySerializer
    filterset_fields = ["kind", "region"]
    queryset = CoordinationBody.objects.select_related("region").order_by("name", "pk")


class MeetingViewSet(ReadViewSet):
    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilter
    queryset = Meeting.objects.order_by("-starts_at", "pk")


class DecisionViewSet(ReadViewSet):
    serializer_class = serializers.DecisionSerializer
    filterset_class = DecisionFilter
    queryset = Decision.objects.order_by(F("due_date").asc(nulls_last=True), "pk")
