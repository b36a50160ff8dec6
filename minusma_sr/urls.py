from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

import funding.urls
import portfolio.urls
import projects.urls
import regions.urls
from accounts.views import set_language
from core import offline
from minusma_sr import views
from portfolio.api import docs as api_docs
from portfolio.views import open as open_views
from tooling import bench

admin.site.site_header = admin.site.site_title = _("Stabilization & Recovery portal")

urlpatterns = [
    *portfolio.urls.top_patterns,
    path("healthz", views.healthz, name="healthz"),
    # Open data for anyone, without signing in; search engines index only it.
    path("robots.txt", open_views.robots_txt, name="robots_txt"),
    path("open/", include((portfolio.urls.open_patterns, "open"))),
    # Offline use: the service worker (at the root, so that it serves the whole
    # portal) and the drafts saved on the device while offline.
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/drafts/", offline.drafts, name="offline_drafts"),
    path("", include("portfolio.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include((regions.urls.urlpatterns + portfolio.urls.region_patterns, "regions"))),
    # The queue with the reports due: the read layer's page (portfolio.views.queue).
    path("reviews/", include((portfolio.urls.review_patterns, "reviews"))),
    path(
        "projects/",
        include((portfolio.urls.project_patterns + projects.urls.urlpatterns, "projects")),
    ),
    path("coordination/", include("coordination.urls")),
    path(
        "funding/",
        include((funding.urls.urlpatterns + portfolio.urls.funding_patterns, "funding")),
    ),
    path("admin/", admin.site.urls),
    # The read API, its OpenAPI schema and its documentation (portfolio/api/).
    path("api/v1/", include("portfolio.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", api_docs.documentation, name="api_docs"),
    # The filters each person saves on the lists.
    path("", include("core.urls")),
]

# Refusals are recorded in the security log before the usual 403 page.
handler403 = "minusma_sr.views.permission_denied"

if settings.BENCH_FLOOR:
    # The floor that `make bench` compares every page with (docs/performance.md).
    urlpatterns.append(path("bench/floor/", bench.floor, name="bench_floor"))

# No route serves MEDIA_ROOT, even with DEBUG on: uploaded files are sent only by
# the views that check who may read them (core.files.serve).
