"""The open-data pages (/open/) and /robots.txt: readable by anyone, without
signing in. What they show is decided in `portfolio.open`."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from core.lists import filtered_page
from portfolio import open as open_data
from portfolio.filters import OpenProjectFilter

PAGE_MAX_AGE = 5 * 60
FILE_MAX_AGE = 60 * 60
ROBOTS_MAX_AGE = 24 * 60 * 60

ROBOTS = """User-agent: *
Allow: /open/
Disallow: /
"""


def _cache_publicly(request, response, *, max_age: int) -> HttpResponse:
    """Let caches keep an open page or file for `max_age` seconds. Not for a
    signed-in reader: `core.middleware.private_no_store` then makes it
    `private, no-store`, as every page of theirs. A page whose language
    switch hands out a new CSRF cookie (a first visit) is kept by the browser
    only: a shared cache would give that one cookie to every visitor."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        return response
    sets_cookie = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    cookie_sent = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if sets_cookie and request.META.get("CSRF_COOKIE") != cookie_sent:
        patch_cache_control(response, private=True, max_age=max_age)
    else:
        patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def project_list(request):
    """The open projects, filtered by region, mechanism and year, with the
    map of regions and the link to the IATI file."""
    # Queries: the count and the page of rows; the regions and mechanisms of
    # the filters; the projects by region and the regions of the map.
    filterset = OpenProjectFilter(request.GET, queryset=open_data.listed_projects())
    context = filtered_page(request, filterset, per_page=open_data.PAGE_SIZE)
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    context["map"] = open_data.regions_map(rows)
    response = render(request, "portfolio/open/project_list.html", context)
    return _cache_publicly(request, response, max_age=PAGE_MAX_AGE)


@require_safe
def project_detail(request, pk: int):
    """One open project with its approved results."""
    # Queries: the project with its region, mechanism, window and partner;
    # its places; its indicators, then their approved reports.
    project = open_data.open_project(pk)
    context = {
        "project": project,
        "places": open_data.public_places(project),
        "indicators": list(open_data.approved_results(project)),
    }
    response = render(request, "portfolio/open/project_detail.html", context)
    return _cache_publicly(request, response, max_age=PAGE_MAX_AGE)


@require_safe
def iati_file(request):
    """The open projects as an IATI 2.03 activity file, at a stable address,
    answered "not modified" while it has not changed (ETag)."""
    document = open_data.iati_file()
    response = HttpResponse(document.content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "iati-activities.xml")
    response["ETag"] = document.etag
    _cache_publicly(request, response, max_age=FILE_MAX_AGE)
    return get_conditional_response(request, etag=document.etag, response=response)


@require_safe
def robots_txt(request):
    """Search engines may index the open data, and nothing else."""
    response = HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")
    return _cache_publicly(request, response, max_age=ROBOTS_MAX_AGE)
