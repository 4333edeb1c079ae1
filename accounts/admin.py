"""Two-factor login in the admin: the policy switch, and the list of who has
set it up. django-otp's own device pages are replaced: they let an
administrator read a user's secret or add a device with a known key, which
would let them pass as that user. Here a device can only be seen and
deleted, which is how an administrator resets a user who lost their phone
and their recovery codes (the user then sets it up again)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import trail
from audit.models import AuditAction

from .models import TwoFactorPolicy

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TwoFactorPolicy)
class TwoFactorPolicyAdmin(admin.ModelAdmin):
    """One row, changed, never added twice or deleted. Saving is audited
    (accounts/receivers.py)."""

    list_display = ["__str__", "changed_at"]
    fields = ["required", "changed_at"]
    readonly_fields = ["changed_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not TwoFactorPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class DeviceAdmin(admin.ModelAdmin):
    """Seen and deleted only; a deletion is audited as two-factor login
    turned off for that user."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    # A tuple: Django types `fields` and `readonly_fields` as different lists.
    readonly_fields = fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _record_reset(request, obj)

    def delete_queryset(self, request, queryset):
        deleted = list(queryset.select_related("user"))
        super().delete_queryset(request, queryset)
        for obj in deleted:
            _record_reset(request, obj)


def _record_reset(request, device) -> None:
    """The administrator is the one who acted; the target names whose device."""
    target = f"{device.user.get_username()}: {device.name} deleted by an administrator"
    trail.record(AuditAction.TWO_FACTOR_DISABLED, request, target=target)


admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, DeviceAdmin)
