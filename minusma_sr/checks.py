"""System checks of the portal's own settings, run by `check --deploy` and, with
DEBUG off, at every start-up (`minusma_sr.startup.exit_on_deploy_warnings`)."""

from django.conf import settings
from django.core import checks

# The example identifier of `.env.example` and the settings' default: a file
# published under it would claim activities for an organisation that does not exist.
IATI_PLACEHOLDER_ID = "XI-EXAMPLE-SR"


@checks.register(checks.Tags.security, deploy=True)
def iati_publisher(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The public IATI file names its publisher: with DEBUG off, the
    identifier must be the section's registered one, not the placeholder."""
    if settings.DEBUG:
        return []
    problems = []
    identifier = settings.IATI_ORGANISATION_ID.strip()
    if not identifier or identifier == IATI_PLACEHOLDER_ID:
        problems.append(
            checks.Error(
                "IATI_ORGANISATION_ID is the example identifier: the public IATI file "
                "would be published under an organisation that does not exist.",
                hint="Set IATI_ORGANISATION_ID to the identifier the IATI Registry lists "
                "for the publisher, and IATI_ORGANISATION_NAME to its name.",
                id="minusma_sr.E001",
            )
        )
    if not settings.IATI_ORGANISATION_NAME.strip():
        problems.append(
            checks.Error(
                "IATI_ORGANISATION_NAME is empty: the public IATI file must name its publisher.",
                id="minusma_sr.E002",
            )
        )
    return problems
