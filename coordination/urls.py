from django.urls import path

from coordination.views import bodies, calendar, decisions, home, meetings, organisations

app_name = "coordination"
urlpatterns = [
    path("", home.home, name="home"),
    # Organisations (technical and financial partners and others)
    path("organisations/", organisations.organisation_list, name="organisations"),
    path(
        "organisations/export.csv",
        organisations.organisation_export_csv,
        name="organisation_export_csv",
    ),
    path(
        "organisations/export.xlsx",
        organisations.organisation_export_xlsx,
        name="organisation_export_xlsx",
    ),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    # Coordination bodies and their members
    path("bodies/new/", bodies.body_create, name="body_create"),
    path("bodies/<int:pk>/", bodies.body_detail, name="body"),
    path("bodies/<int:pk>/edit/", bodies.body_edit, name="body_edit"),
    path("bodies/<int:pk>/members/new/", bodies.member_add, name="member_add"),
    path("members/<int:pk>/end/", bodies.member_end, name="member_end"),
    # Meetings, with their decisions and documents
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/export.csv", meetings.meeting_export_csv, name="meeting_export_csv"),
    path("meetings/export.xlsx", meetings.meeting_export_xlsx, name="meeting_export_xlsx"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/decisions/new/", meetings.decision_add, name="decision_add"),
    path(
        "meetings/<int:pk>/documents/new/",
        meetings.document_upload,
        name="meeting_document_upload",
    ),
    path("meetings/documents/<int:pk>/", meetings.document_download, name="meeting_document"),
    # Decisions (action points)
    path("decisions/", decisions.decision_list, name="decisions"),
    path("decisions/export.csv", decisions.decision_export_csv, name="decision_export_csv"),
    path("decisions/export.xlsx", decisions.decision_export_xlsx, name="decision_export_xlsx"),
    path("decisions/<int:pk>/", decisions.decision_detail, name="decision"),
    path("decisions/<int:pk>/status/", decisions.decision_status, name="decision_status"),
    # Calendar feeds (iCalendar), reached by a secret key instead of a session
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/new-key/", calendar.calendar_reset, name="calendar_reset"),
    path("calendar/<uuid:token>.ics", calendar.feed, name="feed"),
    path("calendar/<uuid:token>/<int:body_pk>.ics", calendar.feed, name="body_feed"),
]
