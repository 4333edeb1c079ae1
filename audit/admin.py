from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, for administrators to read. Nobody adds, edits or
    deletes an event here: a trail that can be edited proves nothing."""

    list_display = ["at", "action", "user", "target"]
    list_filter = ["action", ("at", admin.DateFieldListFilter), ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["target", "user__username"]
    date_hierarchy = "at"
    # A tuple: Django types `fields` and `readonly_fields` as different lists.
    readonly_fields = fields = ("at", "action", "user", "target", "ip_hash")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
