from rest_framework.routers import DefaultRouter

from portfolio.api import views

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
router.register("plans", views.PlanViewSet, basename="plan")
router.register("priorities", views.PriorityViewSet, basename="priority")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("results", views.ResultViewSet, basename="result")
router.register("mechanisms", views.MechanismViewSet, basename="mechanism")
router.register("contributions", views.ContributionViewSet, basename="contribution")
router.register("approvals", views.ApprovalViewSet, basename="approval")
router.register("tranches", views.TrancheViewSet, basename="tranche")
router.register("expenditure", views.ExpenditureViewSet, basename="expenditure")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("bodies", views.BodyViewSet, basename="body")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("decisions", views.DecisionViewSet, basename="decision")

urlpatterns = router.urls
