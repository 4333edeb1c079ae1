from django.contrib import admin

from .models import Digest


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["period", "kind", "user", "state", "attempts", "sent_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["user"]
    readonly_fields = ["kind", "user", "period", "state", "attempts", "claimed_at", "sent_at", "last_error"]

    def has_add_permission(self, request):
        return False
