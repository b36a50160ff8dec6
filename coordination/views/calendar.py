"""Calendar feeds of the meetings (iCalendar), and the page that gives each
person the addresses of their own feeds.

Calendar applications cannot sign in, so a feed is reached by the person's
secret key in its address instead of a session; getting a new key makes the
old addresses stop working."""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coordination.calendar import meetings_calendar
from coordination.models import CoordinationBody, Meeting
from core.middleware import uncompressed

# A feed holds the meetings from this long ago onwards, and at most this many.
FEED_PAST = datetime.timedelta(days=30)
FEED_LIMIT = 500


# The page shows the person's secret feed addresses.
@uncompressed
@login_required
@require_safe
def calendar_page(request):
    token = request.user.calendar_token
    bodies = CoordinationBody.objects.select_related("region").order_by("name")
    context = {
        "feed_url": request.build_absolute_uri(reverse("coordination:feed", args=[token])),
        "body_feeds": [
            (
                body,
                request.build_absolute_uri(
                    reverse("coordination:body_feed", args=[token, body.pk])
                ),
            )
            for body in bodies
        ],
    }
    return render(request, "coordination/calendar.html", context)


@login_required
@require_POST
def calendar_reset(request):
    request.user.calendar_token = uuid.uuid4()
    request.user.save(update_fields=["calendar_token"])
    messages.success(
        request,
        _("Your calendar addresses were changed: subscribe again with the new ones below."),
    )
    return redirect("coordination:calendar")


@require_safe
def feed(request, token, body_pk=None):
    # No session and no sign-in: the key identifies an active person.
    user = get_object_or_404(get_user_model(), calendar_token=token, is_active=True)
    meetings = Meeting.objects.filter(starts_at__gte=timezone.now() - FEED_PAST)
    with translation.override(user.language):
        name = _("Coordination meetings")
        if body_pk is not None:
            body = get_object_or_404(CoordinationBody, pk=body_pk)
            meetings = meetings.filter(body=body)
            name = f"{name} — {body}"
    meetings = meetings.select_related("body").order_by("starts_at", "pk")[:FEED_LIMIT]
    document = meetings_calendar(
        meetings, name=name, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(document, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    # The address is a secret: no shared cache may keep the feed.
    response["Cache-Control"] = "private, no-cache"
    return response
