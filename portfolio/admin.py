from django.contrib import admin

from portfolio.models import ReminderSent


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """What reminders went to whom; written only by `send_reminders`."""

    list_display = ["sent_at", "recipient", "key", "occasion"]
    list_filter = ["sent_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__email", "key", "occasion"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
