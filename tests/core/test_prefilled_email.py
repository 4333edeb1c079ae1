"""Filled emails (core/prefilled_email.py) are the bytes Django would make
for the same email, but for Date, Message-ID and the MIME boundary; an
address the email package would encode takes Django's own path."""

import re

import pytest
from django.core.mail import EmailMultiAlternatives

from core import prefilled_email
from core.prefilled_email import TO_SLOT, PrefilledEmail

SLOT = "SLOTSLOTSLOT"


def email_to(address: str, value: str) -> PrefilledEmail:
    message = PrefilledEmail(
        "Chequeo ñ: ¿cómo le fue?",
        f"Hola. Su enlace: https://example.org/s/{value}/ — gracias.",
        "Feedback <feedback@example.org>",
        [address],
        headers={"List-Unsubscribe": f"<https://example.org/s/{value}/opt-out/>"},
    )
    message.attach_alternative(f'<p><a href="https://example.org/s/{value}/">Responder</a></p>', "text/html")
    return message


def without_boundary(data: bytes) -> bytes:
    boundary = re.search(rb'boundary="([^"]+)"', data).group(1)
    return data.replace(boundary, b"BOUNDARY")


@pytest.mark.parametrize("address", ["ana@example.net", "Luz.M+news@Example.org"])
def test_filled_bytes_are_what_django_makes(address):
    template = prefilled_email.template_of(email_to(TO_SLOT, SLOT), {SLOT: 3})
    filled = prefilled_email.fill(email_to(address, "tok-123"), template, {SLOT: "tok-123"})
    assert filled.filled is not None
    date, message_id, rest = filled.message().as_bytes(linesep="\r\n").split(b"\r\n", 2)
    made = EmailMultiAlternatives.message(email_to(address, "tok-123"))
    del made["Date"], made["Message-ID"]
    assert without_boundary(rest) == without_boundary(made.as_bytes(linesep="\r\n"))
    assert date.startswith(b"Date: ") and message_id.startswith(b"Message-ID: <")


def test_an_address_the_email_package_would_encode_takes_djangos_path():
    template = prefilled_email.template_of(email_to(TO_SLOT, SLOT), {SLOT: 3})
    filled = prefilled_email.fill(email_to("josé@exämple.net", "tok"), template, {SLOT: "tok"})
    assert filled.filled is None
    assert b"xn--exmple-cua.net" in filled.message().as_bytes()


def test_a_slot_the_email_package_encoded_gives_no_template():
    """A line too long for SMTP is sent quoted-printable, which can cut a slot."""
    long_line = EmailMultiAlternatives("Subject", "x" * 1040 + SLOT, "a@example.org", [TO_SLOT])
    assert prefilled_email.template_of(long_line, {SLOT: 1}) is None
