"""The rows and columns of the project list's files: the same filtered rows
as the page, all of them, with headers in the reader's language. The files
add each project's money (funding, above this app), so the read layer writes
them (`portfolio.exports`) from what is defined here.

Whoever downloads, the coordinates of sensitive locations are never written:
a file leaves the portal and cannot be taken back."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from projects.filters import ProjectFilter, listed_projects
from projects.models import Project
from regions.models import Pillar
from reviews import visibility

# Rows read from the database at a time; each batch costs one query per
# prefetched relation (locations, cercles).
CHUNK_SIZE = 2000
FILE_STEM = "projets"


def readable_rows(user, filterset: ProjectFilter) -> QuerySet:
    """The rows `filterset` selects among the projects `user` may read
    (`reviews.visibility`): the list's and its files'. With an invalid filter
    the form shows the error and the list nothing, rather than rows the
    person did not ask for."""
    readable = visibility.visible(listed_projects(), user)
    return filterset.filter_queryset(readable) if filterset.is_valid() else readable.none()


def requested(request) -> QuerySet:
    """The rows of the list for the request's filters and reader."""
    filterset = ProjectFilter(request.GET, queryset=Project.objects.none())
    return readable_rows(request.user, filterset)


def exported_projects(projects: QuerySet) -> QuerySet:
    # Prefetched into lists: reading them costs no queryset per row.
    return projects.select_related("priority", "focal_point").prefetch_related(
        Prefetch("locations", to_attr="exported_locations"),
        Prefetch("cercles", to_attr="exported_cercles"),
    )


def _location_text(location) -> str:
    if location.latitude is None or location.longitude is None:
        return location.place
    if location.is_sensitive:
        return gettext("%(place)s (coordinates withheld)") % {"place": location.place}
    return f"{location.place} ({location.latitude}, {location.longitude})"


def _name(related) -> str:
    return str(related) if related is not None else ""


# (header, value of one project): text, numbers and dates as they are, for
# each format to write in its own way.
COLUMNS = [
    (_("Code"), lambda project: project.code),
    (_("Title"), lambda project: project.title),
    (_("Summary"), lambda project: project.summary),
    (_("Region"), lambda project: project.region.name),
    (_("Cercles"), lambda project: ", ".join(cercle.name for cercle in project.exported_cercles)),
    (_("Plan priority"), lambda project: _name(project.priority)),
    (
        _("Pillar"),
        lambda project: str(Pillar(project.priority.pillar).label) if project.priority else "",
    ),
    (_("Mechanism"), lambda project: project.mechanism.acronym),
    (_("Window"), lambda project: project.window.code.upper() if project.window else ""),
    (_("Implementing partner"), lambda project: _name(project.implementing_partner)),
    (_("Focal point"), lambda project: _name(project.focal_point)),
    # The label of the choice, not get_status_display(), which looks it up
    # among every choice's translation.
    (_("Status"), lambda project: str(Project.Status(project.status).label)),
    (_("Planned start"), lambda project: project.planned_start),
    (_("Planned end"), lambda project: project.planned_end),
    (_("Actual start"), lambda project: project.actual_start),
    (_("Actual end"), lambda project: project.actual_end),
    (_("Budget"), lambda project: project.budget_amount),
    (_("Currency"), lambda project: project.budget_currency),
    # At the rate of its planned start's month; empty while that rate is
    # missing, and left out of the total as on the list.
    spreadsheets.usd(_("Budget (USD)"), lambda project: project.budget_usd),
    (_("Women"), lambda project: project.women),
    (_("Men"), lambda project: project.men),
    (_("Girls"), lambda project: project.girls),
    (_("Boys"), lambda project: project.boys),
    (_("Beneficiaries"), lambda project: project.beneficiary_total),
    (_("Gender marker"), lambda project: project.gender_marker),
    (
        _("Locations"),
        lambda project: "; ".join(_location_text(place) for place in project.exported_locations),
    ),
]


def rows(projects: QuerySet, chunk_size: int = CHUNK_SIZE):
    """`projects` with what the columns read, as an iterator."""
    return exported_projects(projects).iterator(chunk_size=chunk_size)
