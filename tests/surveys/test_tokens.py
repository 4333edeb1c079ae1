"""Private links: 256 random bits, only the hash stored, a fresh link in each
reminder, and every link of an invitation working until it is used."""

import datetime
import hashlib
import re
import secrets
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import outbox
from surveys import tokens
from surveys.models import Invitation, InvitationToken, Round
from surveys.services import sending
from tests.factories import InvitationFactory, QuestionFactory, RoundFactory, SurveyFactory

LINK = re.compile(r"/s/([A-Za-z0-9_-]{43})/")


def raw_tokens(message) -> set[str]:
    html = message.alternatives[0][0]
    return set(LINK.findall(message.body)) | set(LINK.findall(html))


def stored_text() -> str:
    """Every value of every column of the tables a leaked dump would show."""
    values = []
    for model in (InvitationToken, Invitation, Round):
        for row in model.objects.values():
            values += [str(value) for value in row.values()]
    return "\n".join(values)


def test_new_token_is_256_bits_from_secrets():
    with mock.patch("surveys.tokens.secrets.token_urlsafe", wraps=secrets.token_urlsafe) as spy:
        raw, digest = tokens.new_token()
    spy.assert_called_once_with(32)
    assert len(raw) == 43  # 32 bytes in url-safe base64, unpadded
    assert digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw != digest
    assert len({tokens.new_token()[0] for _ in range(50)}) == 50


def test_shared_token_is_per_round_and_derived_not_random():
    assert tokens.shared_token(1) == tokens.shared_token(1)
    assert tokens.shared_token(1) != tokens.shared_token(2)
    assert len(tokens.shared_token(1)) >= 43


@pytest.fixture
def sent_invitation(db):
    survey = SurveyFactory(status="active")
    QuestionFactory(survey=survey)
    invitation = InvitationFactory(round=RoundFactory(survey=survey, max_reminders=2))
    assert outbox.deliver(sending.FIRST_EMAILS, [invitation.pk]).sent == [invitation.pk]
    return invitation


@pytest.mark.django_db
def test_only_the_hash_of_the_emailed_token_is_stored(sent_invitation):
    (message,) = mail.outbox
    (raw,) = raw_tokens(message)
    assert InvitationToken.objects.get().token_hash == tokens.hash_token(raw)
    assert raw not in stored_text()
    assert tokens.hash_token(raw) in stored_text()  # the search above does look at the columns


@pytest.mark.django_db
def test_each_reminder_carries_a_new_token_and_old_links_still_work(sent_invitation, client):
    invitation = Invitation.objects.get(pk=sent_invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - datetime.timedelta(days=8))
    assert outbox.deliver(sending.REMINDERS, [invitation.pk]).sent == [invitation.pk]
    first, reminder = mail.outbox
    (first_raw,) = raw_tokens(first)
    (reminder_raw,) = raw_tokens(reminder)
    assert first_raw != reminder_raw
    assert InvitationToken.objects.filter(invitation=invitation).count() == 2
    assert reminder_raw not in stored_text() and first_raw not in stored_text()

    for raw in (first_raw, reminder_raw):
        assert client.get(reverse("surveys:respond", args=[raw])).status_code == 200

    question = invitation.round.survey.questions.get()
    answered = client.post(reverse("surveys:respond", args=[first_raw]), {f"q{question.pk}": "5"})
    assert answered.status_code == 302
    # Used through one link, the invitation is used through all of them.
    assert client.get(reverse("surveys:respond", args=[reminder_raw])).status_code == 404


@pytest.mark.django_db
def test_a_guessed_or_altered_token_opens_nothing(sent_invitation, client):
    (raw,) = raw_tokens(mail.outbox[0])
    altered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert client.get(reverse("surveys:respond", args=[altered])).status_code == 404
    assert client.get(reverse("surveys:respond", args=[raw])).status_code == 200
