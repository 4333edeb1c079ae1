"""Invitations through Django's SMTP backend to a real SMTP server on
loopback: a group goes over one connection, an error on one message opens a
new one for the next, and every email arrives whole, to the right person,
with its own working link."""

import email
import smtplib
from unittest import mock

import pytest

from core import outbox
from surveys.models import InvitationToken
from surveys.services import sending
from surveys.tokens import hash_token
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory
from tests.security.dumps import KeepingSmtpSink, tokens_in

pytestmark = pytest.mark.django_db


class CountingSMTP(smtplib.SMTP):
    opened = 0

    def connect(self, *args, **kwargs):
        CountingSMTP.opened += 1
        return super().connect(*args, **kwargs)


@pytest.fixture
def smtp(settings):
    with KeepingSmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        yield sink


def _rows(addresses: list[str]):
    survey_round = RoundFactory(survey=SurveyFactory(title="Check-in", title_es="Chequeo ñ"))
    QuestionFactory(survey=survey_round.survey)
    return [InvitationFactory(round=survey_round, recipient=RecipientFactory(email=a)) for a in addresses]


def test_a_group_goes_over_one_connection_and_a_refusal_keeps_it(smtp):
    rows = _rows([f"person{n}@example.net" for n in range(4)])
    CountingSMTP.opened = 0
    real_rcpt = smtplib.SMTP.rcpt

    def busy_for_the_third(self, recipient, *args, **kwargs):
        if recipient == "person2@example.net":
            return (450, b"4.2.1 mailbox busy")
        return real_rcpt(self, recipient, *args, **kwargs)

    with mock.patch("smtplib.SMTP", CountingSMTP), mock.patch.object(CountingSMTP, "rcpt", busy_for_the_third):
        outcome = outbox.deliver(sending.FIRST_EMAILS, [row.pk for row in rows])
    assert (len(outcome.sent), outcome.waiting) == (3, [rows[2].pk])
    assert CountingSMTP.opened == 1  # the server refused one message, and stays in step
    assert sum(smtp.received.values()) == 3


def test_every_email_arrives_whole_with_its_own_link(smtp):
    addresses = ["ana@example.net", "bo@example.net", "josé@example.net"]
    rows = _rows(addresses)
    assert outbox.deliver(sending.FIRST_EMAILS, [row.pk for row in rows]).sent == [row.pk for row in rows]

    received = [email.message_from_bytes(raw) for raw in smtp.messages]
    assert len(received) == 3
    assert smtp.received["ana@example.net"] == smtp.received["bo@example.net"] == 1
    assert [message["To"] for message in received[:2]] == addresses[:2]
    assert all(message["Date"] and message["Message-ID"] for message in received)
    tokens = [tokens_in([raw]) for raw in smtp.messages]
    assert all(len(found) == 1 for found in tokens) and len(set().union(*tokens)) == 3
    hashes = set(InvitationToken.objects.filter(invitation__in=rows).values_list("token_hash", flat=True))
    assert {hash_token(token) for found in tokens for token in found} == hashes
