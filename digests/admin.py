from functools import partial

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import queueing
from core.outbox import in_groups

from . import sending
from .models import Digest
from .tasks import send_digests


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["period", "kind", "user", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["kind", "state"]
    list_select_related = ["user"]
    readonly_fields = [
        "kind", "user", "period", "state", "attempts", "claimed_at", "sent_at", "last_error", "failing_since",
        "next_try_at",
    ]  # fmt: skip
    actions = ["send_again", "mark_arrived"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again (unknown or failed digests)"), permissions=["change"])
    def send_again(self, request, queryset):
        again = sending.resend(list(queryset.values_list("pk", flat=True)))
        for group in in_groups(again, sending.GROUP_SIZE):
            queueing.after_commit(partial(send_digests.delay, group))
        count = len(again)
        said = ngettext("%d digest will be sent again.", "%d digests will be sent again.", count) % count
        self.message_user(request, said)

    @admin.action(description=_("Mark as sent (checked that the unknown digests arrived)"), permissions=["change"])
    def mark_arrived(self, request, queryset):
        count = sending.mark_arrived(list(queryset.values_list("pk", flat=True)))
        level = messages.SUCCESS if count else messages.WARNING
        self.message_user(
            request, ngettext("%d digest marked as sent.", "%d digests marked as sent.", count) % count, level
        )
