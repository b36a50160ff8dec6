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


def deploy_warnings() -> list:
    """What `check --deploy` reports at WARNING or above and the settings do
    not silence (SILENCED_SYSTEM_CHECKS, each with its reason)."""
    from django.core import checks

    found = checks.run_checks(include_deployment_checks=True)
    return [m for m in found if m.level >= checks.WARNING and not m.is_silenced()]


def exit_on_deploy_warnings() -> None:
    """With DEBUG off, refuse to serve while a deployment check warns: a
    production setting left weak stops start-up instead of going unnoticed."""
    from django.conf import settings

    if settings.DEBUG:
        return
    problems = deploy_warnings()
    if problems:
        sys.exit(
            "Deployment check failed (fix it, or silence it in SILENCED_SYSTEM_CHECKS "
            "with the reason):\n" + "\n".join(str(problem) for problem in problems)
        )
