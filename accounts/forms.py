"""The code boxes of two-factor login. Each form checks its code in clean(),
as django-otp's own forms do: checking is what uses a code up and counts a
wrong one, so it happens once, when the form is validated."""

from typing import TYPE_CHECKING

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import devices, lockout
from .devices import Check, Outcome

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

CODE_MAX_LENGTH = 32
CODE_INPUT = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}

WRONG = _("That code did not work. Check the time on your phone and try the newest code.")
WAIT = _("Too many wrong codes in a row: wait a few seconds, then try the newest code.")
MALFORMED = _("Enter the 6-digit code from your authenticator app, or one of your recovery codes.")
MALFORMED_APP_ONLY = _("Enter the 6-digit code your authenticator app shows now.")


LOCKED = _("Too many wrong codes: the code step is locked until %(time)s. Ask an administrator to get in sooner.")


def locked_message(user) -> str:
    until = lockout.locked_until(user) or timezone.now()
    return LOCKED % {"time": formats.time_format(timezone.localtime(until), "H:i")}


def code_field(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=CODE_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs=CODE_INPUT),
    )


class DeviceCodeForm(forms.Form):
    """A code from the user's devices. `allow_recovery` lets a recovery code
    do (the sign-in step); a change to the set-up asks for the app itself."""

    allow_recovery = True

    code = code_field(_("Code"))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.result: Check | None = None  # set by clean_code
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.result = devices.check_code(self.user, code, allow_recovery=self.allow_recovery)
        if self.result.outcome is not Outcome.ACCEPTED:
            raise forms.ValidationError(self.error_for(self.result.outcome), code=self.result.outcome.value)
        return code

    def error_for(self, outcome: Outcome) -> "_StrOrPromise":
        if outcome is Outcome.LOCKED:
            return locked_message(self.user)
        if outcome is Outcome.MALFORMED:
            return MALFORMED if self.allow_recovery else MALFORMED_APP_ONLY
        return {Outcome.WAIT: WAIT, Outcome.WRONG: WRONG}[outcome]

    @property
    def counted_failure(self) -> bool:
        return (
            self.result is not None
            and self.result.outcome in (Outcome.WRONG, Outcome.LOCKED)
            and (self.result.device is not None)
        )


class VerifyForm(DeviceCodeForm):
    code = code_field(_("Code"), _("The 6-digit code your authenticator app shows, or one of your recovery codes."))


class NewRecoveryCodesForm(DeviceCodeForm):
    allow_recovery = False

    code = code_field(_("Code from your app"))


class ConfirmSetupForm(forms.Form):
    """The first code from a newly scanned secret proves the phone has it."""

    code = code_field(_("Code from your app"), _("The 6-digit code your authenticator app shows now."))

    def __init__(self, secret: str | None, *args, **kwargs):
        self.secret = secret
        self.time_step: int | None = None  # the code's time step, set by clean_code
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = devices.normalise(self.cleaned_data["code"])
        if self.secret is None:
            raise forms.ValidationError(_("This set-up page has expired. Scan the new QR code below."), code="expired")
        if not devices.APP_CODE.match(code):
            raise forms.ValidationError(MALFORMED_APP_ONLY, code="malformed")
        self.time_step = devices.matching_time_step(self.secret, code)
        if self.time_step is None:
            raise forms.ValidationError(WRONG, code="wrong")
        return code


class DisableForm(forms.Form):
    """Turning two-factor login off asks for a current app code or the password."""

    code_or_password = forms.CharField(
        label=_("Code from your app, or your password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.counted_failure = False
        super().__init__(*args, **kwargs)

    def clean_code_or_password(self) -> str:
        value = self.cleaned_data["code_or_password"]
        if lockout.locked_until(self.user):
            raise forms.ValidationError(locked_message(self.user), code="locked")
        code = devices.normalise(value)
        if devices.APP_CODE.match(code):
            check = devices.check_code(self.user, code, allow_recovery=False)
            if check.outcome is Outcome.ACCEPTED:
                return value
            self.counted_failure = check.outcome is Outcome.WRONG
            message = WAIT if check.outcome is Outcome.WAIT else WRONG
            raise forms.ValidationError(message, code=check.outcome.value)
        if self.user.check_password(value):
            return value
        self.counted_failure = True
        devices.count_failure(self.user)
        raise forms.ValidationError(_("That is neither a current code nor your password."), code="wrong")


class ReplaceSetupForm(ConfirmSetupForm):
    """Replacing an authenticator that works asks first for proof that the
    person has it, or has their recovery codes and password: a session that
    was taken over must not be able to put its own phone in place of the
    real one. `proof` says which proof was given, for the audit trail."""

    current = forms.CharField(
        label=_("Code from your current app, or a recovery code"),
        max_length=CODE_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs=CODE_INPUT),
        error_messages={"required": _("Type a code from the app you use now, or one of your recovery codes.")},
    )
    code = code_field(_("Code from the new app"), _("The 6-digit code the app you just set up shows now."))
    password = forms.CharField(
        label=_("Your password (only with a recovery code)"),
        required=False,
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = ["current", "password", "code"]

    def __init__(self, user, secret: str | None, *args, **kwargs):
        self.user = user
        self.proof = ""
        self.counted_failure = False
        super().__init__(secret, *args, **kwargs)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        current = cleaned.get("current")
        if current is None or self.errors:
            return cleaned  # the new code is wrong: the proof is not spent
        app_code = devices.APP_CODE.match(devices.normalise(current)) is not None
        # A recovery code is used up when it is checked: the password first.
        if not app_code and not self.user.check_password(cleaned.get("password") or ""):
            self.counted_failure = True
            devices.count_failure(self.user)
            self.add_error("password", _("With a recovery code, your password is needed too."))
            return cleaned
        check = devices.check_code(self.user, current, allow_recovery=not app_code)
        if check.outcome is not Outcome.ACCEPTED:
            self.counted_failure = check.outcome in (Outcome.WRONG, Outcome.LOCKED)
            message = locked_message(self.user) if check.outcome is Outcome.LOCKED else WRONG
            self.add_error("current", forms.ValidationError(message, code=check.outcome.value))
            return cleaned
        self.proof = "a code from the current app" if app_code else "the password and a recovery code"
        return cleaned
