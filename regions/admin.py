from django.contrib import admin

from regions.models import Cercle, Office, Region


class CercleInline(admin.TabularInline):
    model = Cercle
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "in_scope"]
    list_filter = ["in_scope"]
    search_fields = ["code", "name_fr", "name_en"]
    inlines = [CercleInline]


@admin.register(Cercle)
class CercleAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_headquarters", "head"]
    list_select_related = ["head"]
    filter_horizontal = ["regions"]
    autocomplete_fields = ["head"]
