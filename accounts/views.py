from django.conf import settings
from django.contrib.auth import views as auth_views
from django.views import i18n
from django.views.decorators.http import require_POST

from accounts.models import User


class LoginView(auth_views.LoginView):
    """Django's sign-in, which then switches to the user's preferred language."""

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response


@require_POST
def set_language(request):
    """Django's language switch, remembered for the signed-in user."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response
