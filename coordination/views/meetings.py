"""Meetings of the coordination bodies: the list, one meeting with its
attendance, decisions and documents, recording a meeting with its decisions
in one step, editing it, and adding a decision or a document later.

Access comes from `coordination.access`, every write from
`coordination.services` (and `core.files.attach_file` for documents)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.security_log import logs_export
from coordination import access, exports, services
from coordination.filters import MeetingFilter
from coordination.forms.meetings import (
    DecisionForm,
    DecisionFormSet,
    MeetingCreateForm,
    MeetingForm,
    posted_values,
)
from coordination.models import Meeting, MeetingDocument, Membership
from core.files import attach_file, serve
from core.forms import AttachmentForm
from core.lists import filtered_page
from core.views import posted

MEETINGS_PER_PAGE = 25
# The name of the button that adds a decision row (the page without JavaScript).
ADD_ROW = "add_row"


def _warn_about_date(request, form: MeetingForm) -> None:
    if form.date_warning:
        messages.warning(request, form.date_warning)


def _attending_organisations(meeting: Meeting):
    """The attending organisations, each marked whether it is a current
    member of the body (the others attend as guests)."""
    today = timezone.localdate()
    current = Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        body=meeting.body_id,
        organisation=OuterRef("pk"),
    )
    return meeting.organisations.annotate(is_member=Exists(current))


# --- Reading ---------------------------------------------------------------------


def _filters(request) -> MeetingFilter:
    meetings = Meeting.objects.select_related("body__region").annotate(
        decision_count=Count("decisions")
    )
    return MeetingFilter(request.GET, queryset=meetings)


def _filtered(request):
    """Every row the list shows, none with an invalid filter (as `filtered_page`)."""
    filterset = _filters(request)
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


@login_required
@require_safe
def meeting_list(request):
    listing = filtered_page(request, _filters(request), per_page=MEETINGS_PER_PAGE)
    context = {
        **listing,
        "now": timezone.now(),
        "can_create": access.manageable_bodies(request.user).exists(),
    }
    return render(request, "coordination/meeting_list.html", context)


@login_required
@require_safe
@logs_export("meetings_csv")
def meeting_export_csv(request):
    return exports.meetings_csv(_filtered(request))


@login_required
@require_safe
@logs_export("meetings_xlsx")
def meeting_export_xlsx(request):
    return exports.meetings_xlsx(_filtered(request))


@login_required
@require_safe
def meeting_detail(request, pk):
    # Every signed-in user reads every meeting.
    meeting = get_object_or_404(Meeting.objects.select_related("body__region"), pk=pk)
    context = {
        "meeting": meeting,
        "organisations": _attending_organisations(meeting),
        "attendees": meeting.attendees.all(),
        "decisions": meeting.decisions.select_related("owner_organisation", "owner_user"),
        "documents": meeting.documents.select_related("uploaded_by"),
        "can_manage": access.can_manage_body(request.user, meeting.body),
    }
    return render(request, "coordination/meeting_detail.html", context)


@login_required
@require_safe
def document_download(request, pk):
    # Every signed-in user reads every meeting, so its documents too.
    return serve(get_object_or_404(MeetingDocument, pk=pk))


# --- Writing ---------------------------------------------------------------------


def _all_valid(form: MeetingCreateForm, decisions) -> bool:
    # `&`, not `and`: both are checked, so that every error shows at once.
    if not (form.is_valid() & decisions.is_valid()):
        return False
    return decisions.fit_meeting(form.cleaned_data["starts_at"])


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    if not access.manageable_bodies(request.user).exists():
        raise PermissionDenied
    data = posted(request)
    form = MeetingCreateForm(data, user=request.user, initial={"body": request.GET.get("body")})
    decisions = DecisionFormSet(data, prefix="decisions")
    if data and ADD_ROW in data:
        # "Add a row" without JavaScript: the form as sent, one row longer,
        # and nothing saved.
        form = MeetingCreateForm(user=request.user, initial=posted_values(form))
        decisions = decisions.with_another_row()
    elif data and _all_valid(form, decisions):
        try:
            meeting, created = services.create_meeting(
                form.cleaned_data["body"],
                by=request.user,
                token=form.cleaned_data["token"],
                organisations=form.cleaned_data["organisations"],
                attendees=form.cleaned_data["attendees"],
                decisions=decisions.decisions(),
                **form.meeting_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("The meeting was recorded."))
                _warn_about_date(request, form)
            else:
                messages.info(
                    request, _("This form had already been sent: the meeting exists once.")
                )
            return redirect(meeting)
    context = {"form": form, "decisions": decisions}
    return render(request, "coordination/meeting_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = access.get_meeting_for_manage(request.user, pk)
    form = MeetingForm(posted(request), instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_meeting(
                meeting,
                by=request.user,
                body=form.cleaned_data["body"],
                organisations=form.cleaned_data["organisations"],
                attendees=form.cleaned_data["attendees"],
                **form.meeting_fields(),
            )
        except ValidationError as error:
            # A date after some decision's due date.
            form.add_error("starts_at", error)
        else:
            messages.success(request, _("The meeting was saved."))
            _warn_about_date(request, form)
            return redirect(meeting)
    return render(request, "coordination/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request, pk):
    meeting = access.get_meeting_for_manage(request.user, pk)
    form = DecisionForm(posted(request), starts_at=meeting.starts_at)
    if request.method == "POST" and form.is_valid():
        services.add_decision(meeting, by=request.user, **form.cleaned_data)
        messages.success(request, _("The decision was added."))
        return redirect(meeting)
    return render(request, "coordination/decision_form.html", {"form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, pk):
    meeting = access.get_meeting_for_manage(request.user, pk)
    form = AttachmentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        attach_file(
            MeetingDocument,
            by=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            meeting=meeting,
        )
        messages.success(request, _("The document was added."))
        return redirect(meeting)
    return render(request, "coordination/document_form.html", {"form": form, "meeting": meeting})
