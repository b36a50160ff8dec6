from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import access
from funding.models import Mechanism
from regions.models import Office, Region


@login_required
def dashboard(request):
    context = {
        # One query each: COUNT(*) over regions in scope, offices, mechanisms.
        "regions_in_scope": Region.objects.in_scope().count(),
        "offices": Office.objects.count(),
        "mechanisms": Mechanism.objects.count(),
        "role": access.role_of(request.user),
        "editable_regions": access.editable_regions(request.user),
    }
    return render(request, "minusma_sr/dashboard.html", context)


@require_GET
@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise.

    Needs no sign-in and creates no session.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
