from django.urls import include, path

from accounts import two_factor_views, views, views_tokens
from accounts.people import views as people_views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("profile/", views.profile, name="profile"),
    path("profile/digest/", views.digest_preference, name="profile_digest"),
    # Two-factor sign-in (accounts/two_factor.py).
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/codes/", two_factor_views.recovery_codes, name="two_factor_codes"),
    path(
        "two-factor/codes/new/",
        two_factor_views.new_recovery_codes,
        name="two_factor_new_codes",
    ),
    path("two-factor/remove/", two_factor_views.remove, name="two_factor_remove"),
    path("profile/tokens/", views_tokens.create, name="api_token_create"),
    path("profile/tokens/<int:pk>/revoke/", views_tokens.revoke, name="api_token_revoke"),
    path("", include("django.contrib.auth.urls")),
    # People managed by headquarters, and the link of an invitation.
    path("people/", include("accounts.people.urls")),
    path(
        "invitation/<uidb64>/<token>/",
        people_views.AcceptInvitationView.as_view(),
        name="invitation",
    ),
]
