from django.urls import path

from funding import views

app_name = "funding"
urlpatterns = [
    path("", views.mechanism_list, name="list"),
    path("<slug:code>/", views.mechanism_detail, name="detail"),
]
