from django.urls import path

from core import saved_filters

app_name = "core"
urlpatterns = [
    # The filters people save on lists (core.saved_filters).
    path("filters/save/", saved_filters.saved_filter_create, name="saved_filter_create"),
    path("filters/<int:pk>/delete/", saved_filters.saved_filter_delete, name="saved_filter_delete"),
]
