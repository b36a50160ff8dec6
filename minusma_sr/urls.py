from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import set_language
from minusma_sr import views

admin.site.site_header = admin.site.site_title = _("Stabilization & Recovery portal")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("regions.urls")),
    path("reviews/", include("reviews.urls")),
    path("projects/", include("projects.urls")),
    path("coordination/", include("coordination.urls")),
    path("funding/", include("funding.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
