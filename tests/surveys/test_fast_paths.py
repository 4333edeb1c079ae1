"""What was changed for speed keeps the promises: the survey page's cached
question HTML follows edits, each email carries its own link although the
message is rendered once per round, and the kept SMTP connection is dropped
after an error and used again otherwise."""

import email
import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from surveys import emails
from surveys.models import InvitationToken
from surveys.services import sending
from surveys.tokens import hash_token, new_token
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory
from tests.security.dumps import KeepingSmtpSink, tokens_in

from .real_services import SmtpSink

pytestmark = pytest.mark.django_db


def test_the_preview_of_a_draft_shows_an_edited_question_at_once(manager_client):
    survey = SurveyFactory(status="draft")
    question = QuestionFactory(survey=survey, text="Before the edit")
    preview = reverse("surveys:survey_preview", args=[survey.pk])
    assert "Before the edit" in manager_client.get(preview).content.decode()

    question.text = "After the edit"
    question.save()

    html = manager_client.get(preview).content.decode()
    assert "After the edit" in html and "Before the edit" not in html


def test_a_form_with_errors_is_rendered_afresh_not_from_the_cache(client):
    survey = SurveyFactory()
    QuestionFactory(survey=survey, required=True, text="Must answer")
    invitation = InvitationFactory(round=RoundFactory(survey=survey), state="sent")
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    page = reverse("surveys:respond", args=[raw])
    client.get(page)  # fills the cache with the empty form

    response = client.post(page, {"language": "en"})

    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()


def test_two_invitations_of_one_round_get_their_own_links():
    survey_round = RoundFactory(survey=SurveyFactory(title="Check-in"))
    QuestionFactory(survey=survey_round.survey)
    first, second = InvitationFactory.create_batch(2, round=survey_round)

    assert sending.send_invitation(first.pk) == sending.send_invitation(second.pk) == "sent"

    texts = [message.body + message.alternatives[0][0] for message in mail.outbox]
    links = [text.split("/s/")[1].split("/")[0] for text in texts]
    assert len(set(links)) == 2
    assert all(emails.TOKEN_SLOT not in text for text in texts)
    assert [message.subject for message in mail.outbox] == [mail.outbox[0].subject] * 2


class CountingSMTP(smtplib.SMTP):
    opened = 0

    def connect(self, *args, **kwargs):
        CountingSMTP.opened += 1
        return super().connect(*args, **kwargs)


def test_one_smtp_connection_carries_many_emails_and_an_error_drops_it(settings):
    survey_round = RoundFactory()
    QuestionFactory(survey=survey_round.survey)
    rows = InvitationFactory.create_batch(4, round=survey_round)
    CountingSMTP.opened = 0
    with SmtpSink() as sink, mock.patch("smtplib.SMTP", CountingSMTP):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        emails.drop_mail_connection()
        for row in rows[:3]:
            assert sending.send_invitation(row.pk) == "sent"
        assert CountingSMTP.opened == 1

        with (
            mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected),
            pytest.raises(sending.TransientSendError),
        ):
            sending.send_invitation(rows[3].pk)
        assert sending.send_invitation(rows[3].pk) == "sent"
        assert CountingSMTP.opened == 2
        emails.drop_mail_connection()
    assert sum(sink.received.values()) == 4


def without_boundary(data: bytes) -> bytes:
    """The MIME boundary is random each time a message is made."""
    boundary = re.search(rb'boundary="([^"]+)"', data).group(1)
    return data.replace(boundary, b"BOUNDARY")


@pytest.mark.parametrize(("language", "address"), [("en", "ana@example.net"), ("es", "Luz.M+news@Example.org")])
def test_the_prefilled_bytes_are_the_message_django_would_make(language, address):
    """The bytes are made once per round with slots; filled in, they equal
    what the email package makes for this email, but for Date and Message-ID."""
    survey_round = RoundFactory(survey=SurveyFactory(title="Check-in", title_es="Chequeo ñ"))
    QuestionFactory(survey=survey_round.survey)
    row = InvitationFactory(round=survey_round, recipient=RecipientFactory(email=address, language=language))

    assert sending.send_invitation(row.pk) == "sent"

    (message,) = mail.outbox
    assert message.flattened is not None
    date, message_id, rest = message.message().as_bytes(linesep="\r\n").split(b"\r\n", 2)
    made = EmailMultiAlternatives.message(message)
    del made["Date"], made["Message-ID"]
    assert without_boundary(rest) == without_boundary(made.as_bytes(linesep="\r\n"))
    assert date.startswith(b"Date: ") and message_id.startswith(b"Message-ID: <")
    assert address.encode() in rest and emails.TOKEN_SLOT.encode() not in rest
    assert rest.count(message.extra_headers["List-Unsubscribe"].split("/s/")[1].split("/")[0].encode()) == 5


def test_an_address_the_email_package_would_encode_takes_the_slow_path():
    survey_round = RoundFactory()
    QuestionFactory(survey=survey_round.survey)
    row = InvitationFactory(round=survey_round, recipient=RecipientFactory(email="josé@exämple.net"))

    assert sending.send_invitation(row.pk) == "sent"

    (message,) = mail.outbox
    assert message.flattened is None
    assert b"xn--exmple-cua.net" in message.message().as_bytes()


def test_over_smtp_the_server_gets_each_prefilled_email_whole(settings):
    """Through the real SMTP backend: envelope and headers name the right
    person, each message carries its own working link, and an address the
    fast path does not take still arrives."""
    survey_round = RoundFactory(survey=SurveyFactory(title="Check-in"))
    QuestionFactory(survey=survey_round.survey)
    addresses = ["ana@example.net", "bo@example.net", "josé@example.net"]
    rows = [InvitationFactory(round=survey_round, recipient=RecipientFactory(email=a)) for a in addresses]
    with KeepingSmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        emails.drop_mail_connection()
        assert sending.send_invitations([row.pk for row in rows]).sent == [row.pk for row in rows]
        assert isinstance(emails.mail_connection(), emails.PrefilledSMTPBackend)
        emails.drop_mail_connection()
        received = [email.message_from_bytes(raw) for raw in sink.messages]
        assert len(sink.messages) == 3
        assert sink.received["ana@example.net"] == sink.received["bo@example.net"] == 1

    assert [message["To"] for message in received[:2]] == addresses[:2]
    assert all(message["Date"] and message["Message-ID"] for message in received)
    tokens = [tokens_in([raw]) for raw in sink.messages]
    assert all(len(found) == 1 for found in tokens) and len(set().union(*tokens)) == 3
    hashes = set(InvitationToken.objects.filter(invitation__in=rows).values_list("token_hash", flat=True))
    assert {hash_token(token) for found in tokens for token in found} == hashes
