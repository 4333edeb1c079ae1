"""A 30-second Redis outage while 30 people answer: no server error, no
answer lost. The test owns its Redis (its own redis-server on a free port,
stopped and started again), never the machine's shared one."""

import shutil
import threading
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client

from crm.settings.base import redis_caches
from surveys.models import InvitationToken, SpentLink, Survey
from surveys.tokens import new_token
from tests.surveys.real_services import round_with_invitations

from .own_redis import OwnRedis

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = 30
OUTAGE_SECONDS = 30


def _people() -> tuple[Survey, list[str]]:
    """The survey, and a private link for each of its PEOPLE."""
    survey_round = round_with_invitations(PEOPLE, title="Outage")
    tokens = []
    for invitation in survey_round.invitations.all():
        raw, token_hash = new_token()
        InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
        tokens.append(raw)
    return survey_round.survey, tokens


def test_a_redis_outage_while_thirty_people_answer_loses_nothing(settings, fault_report):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): thirty people answer at once")
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (Debian's redis-server package) to own a Redis it can stop")
    own = OwnRedis()
    own.start()
    settings.CACHES = redis_caches(own.url)
    settings.RATELIMIT_USE_CACHE = "rate_limit"
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    survey, tokens = _people()
    question = survey.questions.get()
    statuses: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def person(n: int, token: str) -> None:
        time.sleep(n * (OUTAGE_SECONDS + 10) / PEOPLE)  # spread over the outage, before and after it
        client = Client(REMOTE_ADDR=f"10.8.0.{n + 1}")
        try:
            page = client.get(f"/s/{token}/")
            time.sleep(1)
            sent = client.post(f"/s/{token}/", {f"q{question.pk}": "4", "language": "en"})
            with lock:
                statuses.extend([page.status_code, sent.status_code])
        except Exception as error:  # noqa: BLE001 - an exception here is the test client's 500
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(n, token)) for n, token in enumerate(tokens)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(3)
        own.stop()  # Redis goes away for thirty seconds
        down_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        own.start()
        outage = time.monotonic() - down_at
        for thread in threads:
            thread.join(timeout=120)
    finally:
        own.stop()
        caches["default"].close()
        caches["rate_limit"].close()

    saved = SpentLink.objects.count()
    server_errors = sum(status >= 500 for status in statuses) + len(errors)
    fault_report(
        "Redis down for 30 s while 30 people answer",
        requests=len(statuses) + len(errors),
        server_errors=server_errors,
        answers_sent=PEOPLE,
        answers_saved=saved,
        lost=PEOPLE - saved,
        duplicates=0,
        outage_seconds=round(outage, 1),
    )
    assert errors == [] and server_errors == 0
    assert sorted(set(statuses)) == [200, 302]
    assert saved == PEOPLE
