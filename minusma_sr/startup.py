"""Load the settings early so that a configuration mistake stops start-up with
one readable line instead of a traceback deep inside Django."""

import sys

from django.core.exceptions import ImproperlyConfigured


def exit_on_configuration_error() -> None:
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - forces the settings module to load
    except ImproperlyConfigured as exc:
        sys.exit(f"Configuration error: {exc}")
