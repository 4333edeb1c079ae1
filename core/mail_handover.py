"""Handing an email to the SMTP server, knowing whether it may have it.

An SMTP server takes a message when it has read the line "." that ends it,
and says so in its reply. An error before that line went out (refused
connection, a 4xx to MAIL, RCPT or DATA, a timeout while greeting) means the
server does not have the message: it is safe to try again. An error after it
(no reply in time, the connection dropped, a reply that is not an SMTP
reply) means the server may have it, and may deliver it: trying again could
send it twice. smtplib's sendmail() cannot tell the two apart, so
`hand_over` does its steps itself and raises `MayHaveArrived` for the second
kind. core.outbox records those rows as `unknown`, for a manager to decide,
and never retries them.

`SMTPBackend` is Django's SMTP backend with that one change, plus two:
a filled email's bytes (core.prefilled_email) go out as they are, and a
connection that failed is dropped without saying goodbye (QUIT would wait
on a stuck server once more)."""

import contextlib
import functools
import re
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address

# A line starting with "." is sent with the dot doubled (RFC 5321, 4.5.2).
_LEADING_DOT = re.compile(rb"(?m)^\.")
_MESSAGE_ID = re.compile(rb"(?mi)^Message-ID:[ \t]*(<[^>\r\n]{1,200}>)")


class MayHaveArrived(Exception):
    """The message went out whole and the server's answer was lost: it may
    have been delivered. Never retried. `message_id`: the message's
    Message-ID, which a manager can look up in the mail provider's log."""

    def __init__(self, error: BaseException, message_id: str = ""):
        super().__init__(f"{type(error).__name__} after the message was handed over")
        self.error = error
        self.message_id = message_id


def message_id_of(data: bytes) -> str:
    """The Message-ID header of a message's bytes, or ""."""
    headers = data.split(b"\r\n\r\n", 1)[0]
    found = _MESSAGE_ID.search(headers)
    return found.group(1).decode("ascii", "replace") if found else ""


def hand_over(connection: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> None:
    """Sends one message over an open connection, as smtplib.sendmail does
    (MAIL, RCPT for each, DATA), raising smtplib's errors for refusals and
    MayHaveArrived when only the final reply went missing."""
    connection.ehlo_or_helo_if_needed()
    options = [f"size={len(data)}"] if connection.does_esmtp and connection.has_extn("size") else []
    code, reply = connection.mail(sender, options)
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        _reset(connection)
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = connection.docmd("data")
    if code != 354:
        _reset(connection)
        raise smtplib.SMTPDataError(code, reply)
    body = _LEADING_DOT.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    # If sending the body fails, the closing "." did not go out: the server
    # throws the partial message away. Past this line it may have it.
    connection.send(body + b".\r\n")
    try:
        code, reply = connection.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as error:
        raise MayHaveArrived(error, message_id_of(data)) from error
    if code == -1:  # not an SMTP reply (smtplib's marker)
        raise MayHaveArrived(smtplib.SMTPResponseException(code, reply), message_id_of(data))
    if code != 250:
        # A clear refusal: the server says it did not take the message.
        raise smtplib.SMTPDataError(code, reply)


def _reset(connection: smtplib.SMTP) -> None:
    # If this connection is gone too, the next send opens a new one.
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.rset()


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, sending through hand_over (see the module)."""

    def _send(self, email_message) -> bool:
        recipients = email_message.recipients()
        if not recipients:
            return False
        # send_messages() opened the connection before calling _send().
        assert self.connection is not None
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        sender = _sanitized(email_message.from_email, encoding)
        filled = getattr(email_message, "filled", None)
        if filled is not None:
            # Only plain ASCII addresses are filled in; sanitizing leaves them as they are.
            data = filled
        else:
            recipients = [sanitize_address(address, encoding) for address in recipients]
            data = email_message.message().as_bytes(linesep="\r\n")
        try:
            hand_over(self.connection, sender, recipients, data)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True

    def abort(self) -> None:
        """Drops the connection without QUIT: after an error the server may
        be stuck, and a polite goodbye would wait on it once more."""
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None


@functools.lru_cache(maxsize=8)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def connection():
    """A connection of the configured mail backend; for Django's SMTP
    backend, the one above."""
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return get_connection(f"{__name__}.SMTPBackend")
    return get_connection()
