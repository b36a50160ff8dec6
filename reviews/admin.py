from django.contrib import admin

from reviews.models import ReviewEvent


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
