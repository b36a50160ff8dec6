"""The names the project list's text filters suggest as one types (htmx):
implementing partners and focal points of the projects the person reads."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from core.lists import SEARCH_MAX_LENGTH
from projects.filters import suggested_focal_points, suggested_partners
from projects.models import Project
from reviews import visibility


def _typed(request, name: str) -> str:
    """The text of the filter `name` as the input sent it (under its own
    name), or "" for what the filter itself would refuse."""
    field = forms.CharField(max_length=SEARCH_MAX_LENGTH, required=False)
    try:
        return field.clean(request.GET.get(name, ""))
    except ValidationError:
        return ""


def _readable_projects(user):
    return visibility.visible(Project.objects.all(), user)


def _options(options: list[tuple[str, str]]) -> HttpResponse:
    """The (value, label) options of a datalist. Rendered without the request:
    a fragment asked at every pause in typing needs none of what the context
    processors read for whole pages (the navigation, the review queue)."""
    return HttpResponse(render_to_string("projects/_suggestions.html", {"options": options}))


@login_required
@require_safe
def partner_suggestions(request):
    text = _typed(request, "implementing_partner")
    partners = suggested_partners(_readable_projects(request.user), text) if text else []
    # The value is what the list's column shows: the acronym, else the name.
    return _options([(str(partner), partner.label) for partner in partners])


@login_required
@require_safe
def focal_point_suggestions(request):
    text = _typed(request, "focal_point")
    people = suggested_focal_points(_readable_projects(request.user), text) if text else []
    return _options([(str(person), person.username) for person in people])
