"""What two-factor login does with a user's devices: enrol an authenticator
app, issue recovery codes, check a code at sign-in, turn it off.

A user has at most one confirmed authenticator (a django-otp TOTPDevice) and
one set of recovery codes (a StaticDevice holding ten single-use tokens).
Which device a code is for is decided by its shape, so a wrong code counts
against one device only: six digits are an app code, eight letters and
digits a recovery code."""

import enum
import re
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from typing import Protocol, cast

from django.db import transaction
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from . import lockout

RECOVERY_CODE_COUNT = 10
APP_CODE = re.compile(r"^[0-9]{6}$")
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")  # StaticToken.random_token(): 40 random bits, base32
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"  # counted towards the lockout
    WAIT = "wait"  # django-otp's growing delay after a wrong code; not counted
    LOCKED = "locked"
    MALFORMED = "malformed"  # neither shape: no secret was tested, nothing counted


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    device: TOTPDevice | StaticDevice | None = None

    @property
    def used_recovery_code(self) -> bool:
        return self.outcome is Outcome.ACCEPTED and isinstance(self.device, StaticDevice)


class _OTPUser(Protocol):
    """request.user once django-otp's OTPMiddleware has seen it: the
    middleware adds is_verified() (and otp_device) to whichever user it is."""

    def is_verified(self) -> bool: ...


def is_verified(user: object) -> bool:
    """Whether this session passed the second sign-in step (a code checked
    since the password). `user` is request.user, after OTPMiddleware."""
    return cast(_OTPUser, user).is_verified()


def normalise(code: str) -> str:
    """People type codes with spaces or dashes, and recovery codes in capitals."""
    return re.sub(r"[\s-]", "", code).lower()


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user) -> bool:
    """Two-factor login is on for a user who has a confirmed authenticator."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment ---------------------------------------------------------------------


def new_secret() -> str:
    """20 random bytes, hex, as django-otp stores a TOTP key."""
    return random_hex(20)


def provisioning_uri(user, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=secret).config_url


def base32_secret(secret: str) -> str:
    """The same secret for typing by hand, in groups of four."""
    text = b32encode(unhexlify(secret)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def matching_time_step(secret: str, code: str) -> int | None:
    """The time step `code` belongs to for a secret not yet saved (the
    current one, or one either side for a slow phone), else None."""
    if not APP_CODE.match(code):
        return None
    totp = TOTP(unhexlify(secret))
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def enrol(user, secret: str, confirmed_step: int) -> tuple[TOTPDevice, list[str]]:
    """Replaces any earlier authenticator and recovery codes with the new
    ones. The confirming code's step is recorded as used, so the same code
    cannot sign in a second time."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=APP_DEVICE_NAME, key=secret, confirmed=True, last_t=confirmed_step
    )
    return device, new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten fresh codes; every earlier code stops working. The device itself is
    kept: a session signed in with a recovery code is verified by it, and
    would be sent back to the code step if it disappeared."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def disable(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- checking a code ----------------------------------------------------------------


def check_code(user, code: str, *, allow_recovery: bool = True) -> Check:
    """Checks a code typed at sign-in (or to confirm a change) against the
    device its shape names. Wrong codes raise django-otp's per-device
    failure count, which the lockout reads; a right one clears both
    devices' counts."""
    if lockout.locked_until(user):
        return Check(Outcome.LOCKED)
    code = normalise(code)
    if APP_CODE.match(code):
        device = app_device(user)
    elif allow_recovery and RECOVERY_CODE.match(code):
        device = recovery_device(user)
    else:
        return Check(Outcome.MALFORMED)
    if device is None:
        return Check(Outcome.MALFORMED)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return Check(Outcome.WAIT, device)
    if verify_token(user, device.persistent_id, code) is None:
        return Check(Outcome.LOCKED if lockout.locked_until(user) else Outcome.WRONG, device)
    lockout.clear(user)
    return Check(Outcome.ACCEPTED, device)


def count_failure(user) -> bool:
    """A wrong password where a code or password was asked for counts like a
    wrong code. Returns whether the account is now locked."""
    device = app_device(user)
    if device is not None:
        device.throttle_increment()
    return lockout.locked_until(user) is not None
