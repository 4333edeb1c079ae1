from django.contrib import admin

from .models import AuditEvent, Digest


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["period", "kind", "user", "state", "attempts", "sent_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["user"]
    readonly_fields = ["kind", "user", "period", "state", "attempts", "claimed_at", "sent_at", "last_error"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, for administrators to read. Nobody adds, edits or
    deletes an event here: a trail that can be edited proves nothing."""

    list_display = ["at", "action", "user", "target"]
    list_filter = ["action", ("at", admin.DateFieldListFilter), ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["target", "user__username"]
    date_hierarchy = "at"
    fields = ["at", "action", "user", "target", "ip_hash"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Two-factor login's pages (crm/two_factor/admin.py), which replace django-otp's.
from .two_factor import admin as two_factor_admin  # noqa: E402, F401
