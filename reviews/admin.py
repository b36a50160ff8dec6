from django.contrib import admin
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from reviews import services
from reviews.models import ReviewEvent


class ReviewableAdmin(SimpleHistoryAdmin):
    """Admin of a model under review: corrections only. An approved item is
    read-only here too until an administrator reopens it (recorded on its
    timeline and in its history)."""

    readonly_fields = [
        "review_status",
        "created_by",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["reopen"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Reopen the selected approved items for correction"))
    def reopen(self, request, queryset):
        reopened = 0
        for item in queryset:
            if item.is_locked:
                services.reopen(item, by=request.user, comment=gettext("Reopened for correction."))
                reopened += 1
        self.message_user(
            request,
            ngettext("%(count)d item reopened.", "%(count)d items reopened.", reopened)
            % {"count": reopened},
        )


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The timeline is a record: administrators read it, nobody edits it."""

    list_display = ["at", "content_type", "object_id", "action", "actor"]
    list_filter = ["action", "content_type"]
    list_select_related = ["content_type", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
