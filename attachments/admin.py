from django.contrib import admin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """What is attached where, by whom: never the bytes (they are downloaded
    from the staff pages, where the confidential rule applies)."""

    list_display = ("id", "kind", "size", "confidential", "organization", "interaction", "delivery", "uploaded_at")
    list_filter = ("kind", "confidential")
    list_select_related = ("organization", "interaction", "delivery")
    fields = (
        "organization",
        "interaction",
        "delivery",
        "name",
        "kind",
        "size",
        "confidential",
        "uploaded_by",
        "uploaded_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    # Read-only: unticking "confidential" here would show a file to those
    # who may not read the notes it belongs to.
    def has_change_permission(self, request, obj=None) -> bool:
        return False
