"""Emails that differ only by their recipient and a few slots, made into
bytes once and filled in for each person.

Why it is here: turning a message into bytes (MIME parts, every header
folded and encoded by the email package) is most of the CPU of sending one,
and with plain Django messages a round went out at 0.44-0.49 of a raw SMTP
loop, under the 0.5 target (docs/performance.md). The bytes of a group's
emails are made once, with slots, and filled in; the SMTP backend
(core.mail_handover) sends them as they are, without parsing the sender's
and the recipient's addresses again for each email (which cost as much as
the rest of a send).

Only plain ASCII addresses are filled in: the email package would encode
others, and those take Django's own path. tests/core/test_prefilled_email.py
checks that the filled bytes equal what Django makes for the same email, but
for Date, Message-ID and the MIME boundary."""

import re
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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
