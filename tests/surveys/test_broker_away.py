"""With the broker (Redis) away, a page that committed its work still
answers as usual, and the sweeper queues the work within its grace of the
broker's return."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import outbox
from surveys import tasks
from surveys.choices import SendState
from surveys.models import Invitation, Round
from tests.factories import QuestionFactory, RecipientFactory, SurveyFactory

pytestmark = pytest.mark.django_db

BROKER_AWAY = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_opening_a_round_with_the_broker_away_answers_and_the_sweeper_sends_it(
    manager_client, django_capture_on_commit_callbacks, caplog
):
    survey = SurveyFactory(status="active", audience="participants")
    QuestionFactory(survey=survey)
    RecipientFactory.create_batch(3, audience="participants")

    with (
        mock.patch("surveys.tasks.dispatch_round.delay", side_effect=BROKER_AWAY),
        django_capture_on_commit_callbacks(execute=True),
    ):
        opened = manager_client.post(reverse("surveys:round_open", args=[survey.pk]))

    new_round = Round.objects.get()
    assert opened.status_code == 302 and opened["Location"] == new_round.get_absolute_url()
    assert "the sweeper will queue it" in caplog.text
    assert mail.outbox == [] and new_round.invitations.filter(state=SendState.PENDING).count() == 3
    assert tasks.sweep_sending()["requeued"] == 0  # within the grace, its task may be on its way
    with time_machine.travel(timezone.now() + outbox.QUEUE_GRACE + datetime.timedelta(seconds=1), tick=False):
        assert tasks.sweep_sending() == {"unknown": 0, "requeued": 3}  # eager: sent at once
    assert len(mail.outbox) == 3
    assert set(Invitation.objects.values_list("state", flat=True)) == {SendState.SENT}
