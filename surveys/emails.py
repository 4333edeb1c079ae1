"""One function per email: a subject, a text body and an HTML body, in the
recipient's language. The raw token lives only inside the message."""

import contextlib
import functools
import re
import smtplib
import time
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Invitation, YouSaidWeDid


def _links(raw_token: str, language: str) -> dict:
    """The survey and opt-out links. They carry the language, so that even a
    link that no longer works answers in it without looking the link up."""
    return {
        "survey_url": settings.SITE_URL + reverse("surveys:respond", args=[raw_token]) + f"?lang={language}",
        "opt_out_url": settings.SITE_URL + reverse("surveys:opt_out", args=[raw_token]) + f"?lang={language}",
    }


def loop_items(survey, language: str, before=None) -> list[dict]:
    """ "You said, we did" items from the survey's latest earlier round that has any."""
    items = YouSaidWeDid.objects.filter(round__survey=survey).select_related("round")
    if before is not None:
        items = items.filter(round__opened_at__lt=before.opened_at)
    items = list(items.order_by("-round__opened_at", "id"))
    if not items:
        return []
    latest_round = items[0].round_id
    return [
        {"you_said": item.you_said_in(language), "we_did": item.we_did_in(language)}
        for item in items
        if item.round_id == latest_round
    ]


# Every message of a round in one language is the same but for the links, so
# it is rendered once (with this slot where the token goes) and reused for a
# minute: three templates and two queries per email were most of a send.
TOKEN_SLOT = "TOKENSLOT" * 5
_RENDERED_SECONDS = 60
_rendered_cache: dict = {}


def _rendered(template: str, invitation: Invitation, last: bool = False) -> tuple[str, str, str, bytes | None]:
    """(subject, text, html, bytes) of this kind of email for the invitation's
    round and language, with TOKEN_SLOT in place of the token; the bytes are
    the whole message as sent (see _flattened_template). `last`: the round's
    last reminder, which says so."""
    survey_round, language = invitation.round, invitation.language
    survey = survey_round.survey
    # Ids can come back (SQLite after a rollback): the timestamps tell apart rows that share one.
    key = (template, last, language, survey_round.pk, survey_round.opened_at, survey.pk, survey.updated_at)
    cached = _rendered_cache.get(key)
    if cached and time.monotonic() - cached[0] < _RENDERED_SECONDS:
        return cached[1]
    with translation.override(language):
        context = {
            "language": language,
            "survey_title": survey.title_in(language),
            "closes_at": survey_round.closes_at,
            "minutes": survey.estimated_minutes,
            "anonymous": survey.anonymous,
            "last_reminder": last,
            "has_required": survey.questions.filter(required=True).exists(),
            "loop_items": loop_items(survey, language, before=survey_round),
            **_links(TOKEN_SLOT, language),
        }
        # One line: a title cannot break the header or add one.
        subject = " ".join(render_to_string(f"surveys/email/{template}_subject.txt", context).split())
        text = render_to_string(f"surveys/email/{template}.txt", context)
        html = render_to_string(f"surveys/email/{template}.html", context)
    if len(_rendered_cache) > 256:
        _rendered_cache.clear()
    rendered = (subject, text, html, _flattened_template(subject, text, html, language))
    _rendered_cache[key] = (time.monotonic(), rendered)
    return rendered


# Turning a message into bytes (MIME parts, every header folded and encoded
# by the email package) was the largest part of a send's CPU, and it is the
# same for every email of a round but for the address, the token, the date
# and the Message-ID. So the bytes are made once, with slots, and filled in.
TO_SLOT = "to-slot@slot.invalid"
# Addresses the email package writes unchanged; any other takes the slow path.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,190}")


def _message(subject: str, text: str, html: str, address: str, raw_token: str, language: str) -> EmailMultiAlternatives:
    opt_out_url = _links(raw_token, language)["opt_out_url"]
    message = _PrefilledEmail(
        subject, text, settings.DEFAULT_FROM_EMAIL, [address], headers={"List-Unsubscribe": f"<{opt_out_url}>"}
    )
    message.attach_alternative(html, "text/html")
    return message


def _flattened_template(subject: str, text: str, html: str, language: str) -> bytes | None:
    """The message as the SMTP backend would send it, with TO_SLOT and
    TOKEN_SLOT, without Date and Message-ID; None when the email package
    encoded a slot (quoted-printable for very long lines), which the bytes
    could then not be filled in safely."""
    message = _message(subject, text, html, TO_SLOT, TOKEN_SLOT, language).message()
    del message["Date"], message["Message-ID"]
    data = message.as_bytes(linesep="\r\n")
    slots = text.count(TOKEN_SLOT) + html.count(TOKEN_SLOT) + 1  # and List-Unsubscribe
    if data.count(TOKEN_SLOT.encode()) != slots or data.count(TO_SLOT.encode()) != 1:
        return None
    return data


class _Flattened:
    """What _PrefilledEmail.message() gives the mail backend: bytes, made."""

    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())


class _PrefilledEmail(EmailMultiAlternatives):
    """An email whose bytes may be made already (`flattened`); the object
    itself (subject, body, headers) is complete either way."""

    flattened: bytes | None = None

    def message(self):
        return super().message() if self.flattened is None else _Flattened(self.flattened)


_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class PrefilledSMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, which hands a prefilled email's bytes to the
    server as they are: parsing the sender's and the recipient's address
    again for every email cost as much as the rest of the send. (Only plain
    ASCII addresses are prefilled, and parsing leaves those unchanged.)"""

    def _send(self, email_message) -> bool:
        if getattr(email_message, "flattened", None) is None:
            return super()._send(email_message)
        sender = _sanitized_sender(email_message.from_email, email_message.encoding or settings.DEFAULT_CHARSET)
        try:
            self.connection.sendmail(sender, email_message.recipients(), email_message.flattened)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


@functools.lru_cache(maxsize=8)
def _sanitized_sender(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def _send(template: str, invitation: Invitation, raw_token: str, last: bool = False) -> None:
    subject, text, html, flattened = _rendered(template, invitation, last)
    # A token is URL-safe base64: no template escaping would have changed it.
    address = invitation.email
    message = _message(
        subject,
        text.replace(TOKEN_SLOT, raw_token),
        html.replace(TOKEN_SLOT, raw_token),
        address,
        raw_token,
        invitation.language,
    )
    if flattened is not None and _PLAIN_ADDRESS.fullmatch(address):
        date, message_id = formatdate(localtime=settings.EMAIL_USE_LOCALTIME), make_msgid(domain=DNS_NAME)
        headers = f"Date: {date}\r\nMessage-ID: {message_id}\r\n"
        message.flattened = headers.encode() + flattened.replace(TOKEN_SLOT.encode(), raw_token.encode()).replace(
            TO_SLOT.encode(), address.encode()
        )
    message.connection = mail_connection()
    try:
        message.send()
    except Exception:
        # The connection may be broken half-way: the next message opens a new one.
        drop_mail_connection()
        raise


def send_invitation(invitation: Invitation, raw_token: str) -> None:
    _send("invitation", invitation, raw_token)


def send_reminder(invitation: Invitation, raw_token: str, *, last: bool = False) -> None:
    """A reminder; the round's `last` one says that no other will follow."""
    _send("reminder", invitation, raw_token, last)


# One connection to the mail server per process, kept open between messages:
# opening one (connect, greeting, EHLO, QUIT) for every invitation cost more
# than the message itself. Closed and opened again after a pause, because
# servers drop idle clients (RFC 5321 lets them after five minutes).
_IDLE_SECONDS = 30
_shared: dict = {"connection": None, "used_at": 0.0, "server": None}


def mail_connection():
    if settings.EMAIL_BACKEND != _SMTP_BACKEND:
        # Nothing to keep open (files, memory, console), and the file backend
        # writes one file per connection: `make run` shows one email a file.
        return get_connection()
    server = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    idle = time.monotonic() - _shared["used_at"] > _IDLE_SECONDS
    if _shared["connection"] is not None and (idle or server != _shared["server"]):
        drop_mail_connection()
    if _shared["connection"] is None:
        connection = get_connection(f"{__name__}.PrefilledSMTPBackend")
        # Opened here, so that send() leaves it open for the next message.
        connection.open()
        _shared.update(connection=connection, server=server)
    _shared["used_at"] = time.monotonic()
    return _shared["connection"]


def drop_mail_connection() -> None:
    connection, _shared["connection"] = _shared["connection"], None
    if connection is not None:
        with contextlib.suppress(Exception):  # it may be broken already
            connection.close()
