from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from regions.models import Region


@login_required
@require_safe
def region_list(request):
    return render(request, "regions/region_list.html", {"regions": Region.objects.with_offices()})
