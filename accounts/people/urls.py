from django.urls import path

from accounts.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    path("<int:pk>/invite-again/", views.invite_again, name="invite_again"),
]
