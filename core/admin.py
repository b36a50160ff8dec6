from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.models import SavedFilter


@admin.register(SavedFilter)
class SavedFilterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "user", "path", "created_at"]
    list_filter = ["path"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
