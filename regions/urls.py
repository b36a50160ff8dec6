from django.urls import path

from regions import views

app_name = "regions"
urlpatterns = [
    path("regions/", views.region_list, name="list"),
    path("regions/<str:code>/", views.region_detail, name="detail"),
]
