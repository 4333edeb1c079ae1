"""The hard limit on the code step. django-otp already makes each device
wait 1, 2, 4, 8… seconds after a wrong code; on top of that, after
TWO_FACTOR_FAILURE_LIMIT wrong codes in a row (app and recovery codes
together) the second step refuses every code, the right one included, for
TWO_FACTOR_LOCKOUT_MINUTES. The count lives on the devices, in the database,
so signing in again with the password does not reset it (axes resets its
own count on a right password) and every web process sees the same count."""

import datetime

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_MODELS = (TOTPDevice, StaticDevice)


def _failures(user) -> tuple[int, datetime.datetime | None]:
    """Wrong codes in a row across the user's devices, and when the last one was typed."""
    count, last = 0, None
    for model in DEVICE_MODELS:
        found = model.objects.filter(user=user).aggregate(
            count=Sum("throttling_failure_count"), last=Max("throttling_failure_timestamp")
        )
        count += found["count"] or 0
        if found["last"] and (last is None or found["last"] > last):
            last = found["last"]
    return count, last


def locked_until(user) -> datetime.datetime | None:
    """When the second step opens again, or None when it is open."""
    count, last = _failures(user)
    if count < settings.TWO_FACTOR_FAILURE_LIMIT or last is None:
        return None
    until = last + datetime.timedelta(minutes=settings.TWO_FACTOR_LOCKOUT_MINUTES)
    return until if until > timezone.now() else None


def clear(user) -> None:
    """After a right code: the count starts again from zero on every device."""
    for model in DEVICE_MODELS:
        model.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
