"""Open data: what anyone reads without signing in, at /open/.

A project is open once it is published (approved or later, never cancelled:
`Project.PUBLISHED_STATES`, the rule partners read by in `reviews.visibility`)
and not marked confidential. Its results are its approved indicator reports
only; its places are those that are not sensitive, never a sensitive one's
name or coordinates. The map counts projects by region, which holds no
coordinates at all.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import quote_etag

from core import cached_figures
from projects import iati
from projects import maps as project_maps
from projects.models import IndicatorReport, Location, Project
from regions import maps
from reviews.models import ReviewStatus

PAGE_SIZE = 25


def open_projects() -> QuerySet:
    """The projects anyone may read: published, and not confidential."""
    return Project.objects.filter(Project.published_q(), is_confidential=False)


def listed_projects() -> QuerySet:
    """The open projects with what their rows show (one query for a page)."""
    return open_projects().for_list().order_by("-planned_start", "code")


def regions_map(projects: QuerySet) -> maps.Choropleth:
    """`projects` counted by region, each region a link to the open list of
    its projects (the regions' own pages need a sign-in). Two queries."""
    chart = project_maps.choropleth(
        project_maps.Measure.PROJECTS, project_maps.projects_by_region(projects)
    )
    address = reverse("open:projects")
    for region in chart.regions:
        region.url = f"{address}?region={region.code}"
    return chart


def open_project(pk: int) -> Project:
    """One open project, or "not found" (a draft, a confidential or a cancelled
    project does not exist here)."""
    return get_object_or_404(listed_projects(), pk=pk)


def approved_results(project: Project) -> QuerySet:
    """The project's indicators, each with its approved reports, in order of
    period (`approved_reports`), and the value of its latest one (`achieved`,
    `achieved_on`): two queries. Drafts, submitted and returned reports are
    left out."""
    approved = IndicatorReport.objects.filter(review_status=ReviewStatus.APPROVED)
    latest = approved.filter(indicator=OuterRef("pk")).order_by("-period_end", "-pk")
    return project.indicators.annotate(
        achieved=Subquery(latest.values("value")[:1]),
        achieved_on=Subquery(latest.values("period_end")[:1]),
    ).prefetch_related(
        Prefetch(
            "reports",
            queryset=approved.order_by("period_start", "pk"),
            to_attr="approved_reports",
        )
    )


def public_places(project: Project) -> list[str]:
    """The names of the project's places that are not sensitive (one query)."""
    places = project.locations.exclude(sensitivity=Location.Sensitivity.SENSITIVE)
    return list(places.order_by("place").values_list("place", flat=True).distinct())


@dataclass(frozen=True)
class IatiFile:
    content: bytes
    etag: str


def _build_iati_file() -> IatiFile:
    content = iati.iati_document(open_projects())
    return IatiFile(content, quote_etag(hashlib.blake2b(content, digest_size=16).hexdigest()))


def iati_file() -> IatiFile:
    """The open projects as an IATI 2.03 activity file, kept in the figures
    cache until a portal record changes (`core.cached_figures`)."""
    return cached_figures.cached("open_iati", _build_iati_file, settings.IATI_ORGANISATION_ID)
