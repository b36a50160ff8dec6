"""A saved filter for a demo officer, so that "My filters" above the
projects list shows what one click does."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from core.models import SavedFilter
from funding.models import Mechanism
from regions.models import Region


def seed_saved_filters() -> int:
    """The Gao officer's "Mes QIP de Gao" on the projects list; the number
    created (none on a second run)."""
    gao = get_user_model().objects.get(username="gao")
    region, qip = Region.objects.get(code="ML-7"), Mechanism.objects.get(code="qip")
    _saved, created = SavedFilter.objects.get_or_create(
        user=gao,
        path=reverse("projects:list"),
        name="Mes QIP de Gao",
        defaults={"query": f"region={region.pk}&mechanism={qip.pk}"},
    )
    return int(created)
