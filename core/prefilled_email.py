"""Emails that differ only by their recipient and a few slots, made into
bytes once and filled in for each person.

Why it is here: turning a message into bytes (MIME parts, every header
folded and encoded by the email package) is most of the CPU of sending one,
and with plain Django messages a round went out at 0.44-0.49 of a raw SMTP
loop, under the 0.5 target (docs/performance.md). The bytes of a group's
emails are made once, with slots, and filled in; Django's own SMTP backend
sends them, without parsing the sender's and the recipient's addresses
again for each email (which cost as much as the rest of a send).

Only plain ASCII addresses are filled in: the email package would encode
others, and those take Django's own path. tests/core/test_prefilled_email.py
checks that the filled bytes equal what Django makes for the same email, but
for Date, Message-ID and the MIME boundary."""

import functools
import re
import smtplib
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME

TO_SLOT = "to-slot@slot.invalid"
# Addresses the email package writes unchanged; any other takes the slow path.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,190}")


class _Bytes:
    """What PrefilledEmail.message() gives the mail backend: bytes, made."""

    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())


class PrefilledEmail(EmailMultiAlternatives):
    """An email whose bytes may be made already (`filled`); the object itself
    (subject, body, headers) is complete either way."""

    filled: bytes | None = None

    def message(self):
        return super().message() if self.filled is None else _Bytes(self.filled)


def template_of(message: EmailMultiAlternatives, slots: dict[str, int]) -> bytes | None:
    """The bytes of `message` (addressed to TO_SLOT), without Date and
    Message-ID, to be filled in for each person; None when the email package
    encoded a slot (quoted-printable for very long lines) so that it could
    not be found again. `slots`: each slot and how often it must appear."""
    made = EmailMultiAlternatives.message(message)
    del made["Date"], made["Message-ID"]
    data = made.as_bytes(linesep="\r\n")
    if data.count(TO_SLOT.encode()) != 1:
        return None
    if any(data.count(slot.encode()) != times for slot, times in slots.items()):
        return None
    return data


def fill(message: PrefilledEmail, template: bytes | None, values: dict[str, str]) -> PrefilledEmail:
    """Gives `message` its bytes from `template`, with its address and each
    slot's value, when it can take this path."""
    (address,) = message.to
    if template is not None and _PLAIN_ADDRESS.fullmatch(address):
        data = template.replace(TO_SLOT.encode(), address.encode())
        for slot, value in values.items():
            data = data.replace(slot.encode(), value.encode())
        date, message_id = formatdate(localtime=settings.EMAIL_USE_LOCALTIME), make_msgid(domain=DNS_NAME)
        message.filled = f"Date: {date}\r\nMessage-ID: {message_id}\r\n".encode() + data
    return message


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, which hands a filled email's bytes to the server
    as they are, with the sender's address parsed once per process. (Only
    plain ASCII addresses are filled in, and parsing leaves those unchanged.)"""

    def _send(self, email_message) -> bool:
        if getattr(email_message, "filled", None) is None:
            return super()._send(email_message)  # type: ignore[misc]  # private Django method, not in django-stubs
        # send_messages() opened the connection before calling _send().
        assert self.connection is not None
        sender = _sanitized_sender(email_message.from_email, email_message.encoding or settings.DEFAULT_CHARSET)
        try:
            self.connection.sendmail(sender, email_message.to, email_message.filled)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


@functools.lru_cache(maxsize=8)
def _sanitized_sender(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def connection():
    """A connection of the configured mail backend; for Django's SMTP backend,
    the one above (the same but for filled emails)."""
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return get_connection(f"{__name__}.SMTPBackend")
    return get_connection()
