from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from regions.models import Office, Region


def _regions_with_offices():
    # Two prefetches: the offices covering each region (with their heads) and
    # the cercles; neither grows with the number of regions.
    return Region.objects.prefetch_related(
        Prefetch("offices", queryset=Office.objects.select_related("head")),
        "cercles",
    )


@login_required
def region_list(request):
    return render(request, "regions/region_list.html", {"regions": _regions_with_offices()})


@login_required
def region_detail(request, code):
    region = get_object_or_404(_regions_with_offices(), code=code)
    return render(request, "regions/region_detail.html", {"region": region})
