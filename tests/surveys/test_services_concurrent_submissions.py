"""Fifty people (or one person's fifty taps) submit the same private link at
the same moment, on PostgreSQL: exactly one response is recorded."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from surveys.choices import Audience, SurveyStatus
from surveys.models import Invitation, InvitationToken, Recipient, Response, Round, SpentLink, Survey
from surveys.tokens import new_token

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBMISSIONS = 50


def test_fifty_simultaneous_posts_of_one_link_record_one_response(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises all writes, proving nothing")
    survey = Survey.objects.create(
        title="Concurrency", audience=Audience.PARTICIPANTS, status=SurveyStatus.ACTIVE, anonymous=True
    )
    question = survey.questions.create(kind="agreement", text="Staff treat me with respect", position=1)
    recipient = Recipient.objects.create(audience=Audience.PARTICIPANTS, email="one@example.org", consent=True)
    survey_round = Round.objects.create(survey=survey, closes_at=timezone.now() + timedelta(days=7))
    invitation = Invitation.objects.create(round=survey_round, recipient=recipient, state="sent")
    raw, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)

    # Every post must reach the view: the link's own rate limit would refuse
    # most of them first (surveys/views/limits.py).
    settings.SURVEY_LINK_RATE_LIMIT = "1000/m"
    start = threading.Barrier(SUBMISSIONS)
    statuses: list[int] = []

    def submit(n: int) -> None:
        # Each thread has its own client and its own database connection.
        client = Client(REMOTE_ADDR=f"10.9.{n // 250}.{n % 250 + 1}")
        start.wait()
        statuses.append(client.post(f"/s/{raw}/", {f"q{question.pk}": "4", "action": "submit"}).status_code)
        connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    print(f"\n{SUBMISSIONS} concurrent posts: statuses {sorted(set(statuses))}, responses {Response.objects.count()}")
    assert len(statuses) == SUBMISSIONS
    assert statuses.count(302) == 1, statuses  # one thank-you redirect
    assert statuses.count(404) == SUBMISSIONS - 1  # the rest: the friendly "link does not work" page
    assert Response.objects.filter(round=survey_round).count() == 1
    assert Response.objects.get().answers.count() == 1
    assert SpentLink.objects.filter(round=survey_round).count() == 1  # the link's one marker
