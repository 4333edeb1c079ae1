"""Private survey links under attack, against the real services.

- 10,000 random well-formed tokens from one client address: the rate limit
  (shared through Redis, so it holds across web processes) stops the client
  after a handful, none opens a survey or stores a response, and a person with
  a real link on another address is not affected.
- A mail scanner's HEAD and a person's three GETs leave a link usable.
- A raw token is nowhere: not in a `pg_dump`, not in Redis (queued,
  unacknowledged and finished task messages decoded), not in the log output
  of the web process or the worker. Tokens are taken from the mails a real
  worker sent to a local SMTP server, as a recipient would get them."""

import datetime
import logging
import os
import secrets
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys import tasks
from surveys.choices import SendState
from surveys.models import Invitation, InvitationToken, Response
from surveys.services import rounds
from surveys.tokens import TOKEN_BYTES, hash_token, new_token
from surveys.views.limits import PER_ADDRESS, allowed
from tests.factories import QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory
from tests.surveys.real_services import (
    REDIS_URL,
    ROOT,
    Worker,
    new_queue,
    require_real_services,
    wait_for,
    web_process_publishes_to,
)

from .dumps import KeepingSmtpSink, hits, in_flight_snapshot, log_output, pg_dump, redis_snapshot, tokens_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GUESSES = 10_000
ATTACKER, PERSON = "203.0.113.66", "198.51.100.23"
ALLOWED_PER_MINUTE = allowed(PER_ADDRESS)


def _survey_with_link():
    """An open round with one invitation and its raw link."""
    survey = SurveyFactory(status="active", audience="participants")
    question = QuestionFactory(survey=survey, kind="agreement", required=True)
    invitation = Invitation.objects.create(
        round=RoundFactory(survey=survey), recipient=RecipientFactory(), state=SendState.SENT
    )
    raw, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    return reverse("surveys:respond", args=[raw]), {f"q{question.pk}": "4", "action": "submit"}


def _require_shared_cache():
    require_real_services()
    if "RedisCache" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("needs the Redis cache (REDIS_URL set): the limit must hold across web processes")


def _other_process_status(address: str, path: str, frozen_at: float) -> int:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
    }
    command = [sys.executable, "-m", "tests.security.client_process", address, path, str(frozen_at)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)  # noqa: S603
    return int(done.stdout.split()[-1])


def _guess(client: Client, address: str, n: int, answers: dict) -> int:
    guess = reverse("surveys:respond", args=[secrets.token_urlsafe(TOKEN_BYTES)])
    if n % 2:
        return client.get(guess, REMOTE_ADDR=address).status_code
    return client.post(guess, answers, REMOTE_ADDR=address).status_code


def test_ten_thousand_guessed_tokens_are_throttled_and_none_works(client, frozen_clock, figures):
    """The clock is frozen so that all guesses fall in one rate-limit window
    and the count that got through is exact. Redis still expires the counter
    ~65 real seconds after it was created, so on a slow machine a run that
    long may let one more window's worth through to the "link does not work"
    page; the bound below allows exactly that, never a working link."""
    _require_shared_cache()
    real_link, answers = _survey_with_link()
    started = time.perf_counter()
    statuses = [_guess(client, ATTACKER, n, answers) for n in range(GUESSES)]
    seconds = time.perf_counter() - started
    throttled_after = statuses.index(429)

    person = Client(REMOTE_ADDR=PERSON)
    person_get = person.get(real_link).status_code
    person_post = person.post(real_link, answers).status_code

    figures.setdefault("token-attacks", {}).update(
        tokens_tried=GUESSES,
        tokens_accepted=sum(status in (200, 302) for status in statuses),
        reached_the_view=statuses.count(404),
        throttled=statuses.count(429),
        throttled_after=throttled_after,
        flood_seconds=round(seconds, 1),
        other_client_status=f"GET {person_get}, POST {person_post}",
    )
    assert len(secrets.token_urlsafe(TOKEN_BYTES)) == 43  # guesses shaped like real tokens
    assert throttled_after == ALLOWED_PER_MINUTE, throttled_after
    assert set(statuses) == {404, 429}  # the friendly "link does not work" page, then "too many"
    windows = 1 + int(seconds // 60)
    assert statuses.count(404) <= ALLOWED_PER_MINUTE * windows, (statuses.count(404), seconds)
    assert (person_get, person_post) == (200, 302)
    assert Response.objects.count() == 1  # the person's, and none from the guesses


def test_the_limit_holds_across_web_processes(client, frozen_clock, figures):
    """A client throttled by this process is throttled by another one too:
    the counter lives in Redis, not in one process's memory."""
    _require_shared_cache()
    _, answers = _survey_with_link()
    statuses = [_guess(client, ATTACKER, n, answers) for n in range(ALLOWED_PER_MINUTE + 1)]
    probe = reverse("surveys:respond", args=[secrets.token_urlsafe(TOKEN_BYTES)])

    elsewhere = _other_process_status(ATTACKER, probe, time.time())
    fresh_address = _other_process_status(PERSON, probe, time.time())

    figures.setdefault("token-attacks", {})["other_process_status_for_throttled_client"] = elsewhere
    assert statuses[-1] == 429
    assert elsewhere == 429
    assert fresh_address == 404  # the other process is not simply refusing everyone


def test_a_head_and_three_gets_leave_the_link_usable_once(client):
    link, answers = _survey_with_link()

    looks = [client.head(link).status_code] + [client.get(link).status_code for _ in range(3)]
    first_post = client.post(link, answers).status_code
    second_post = client.post(link, answers).status_code

    assert looks == [200, 200, 200, 200]
    assert first_post == 302
    assert second_post == 404
    assert Response.objects.count() == 1


def _queue_and_snapshot(send) -> object:
    """Queues tasks while no worker runs, and reads Redis with them in transit."""
    send()
    return redis_snapshot(REDIS_URL)


def _run_worker_until(worker: Worker, done, snapshots: list) -> None:
    """Runs the worker until `done()`; while a (slow) mail is being delivered
    its task message sits in Redis unacknowledged, and is read there too."""
    worker.start()
    try:
        snapshot = wait_for(lambda: in_flight_snapshot(REDIS_URL), timeout=60, interval=0.05)
        assert snapshot, "no task seen in flight"
        snapshots.append(snapshot)
        assert wait_for(done, timeout=120), "the worker did not finish"
    finally:
        worker.stop()


def test_a_raw_token_is_nowhere_in_the_database_redis_or_the_logs(client, caplog, figures):
    require_real_services()
    caplog.set_level(logging.DEBUG)
    # The test's SMTP server stands for the recipient's mail provider: it
    # logs recipients and whole messages: the recipient's copy, not ours.
    caplog.set_level(logging.WARNING, logger="mail.log")
    survey = SurveyFactory(status="active", audience="participants")
    question = QuestionFactory(survey=survey, kind="agreement", required=True)
    RecipientFactory.create_batch(3)
    queue = new_queue()
    # One publishing context for the whole test: kombu keeps a producer pool
    # per broker URL, and a second context would find it closed.
    with KeepingSmtpSink(delay=0.5) as sink, log_output() as output, web_process_publishes_to(queue):
        worker = Worker(sink.port, queue, concurrency=1, extra_env={"LOG_LEVEL": "DEBUG"})
        snapshots = [_queue_and_snapshot(lambda: tasks.dispatch_round.delay(rounds.open_round(survey).pk))]
        survey_round = survey.rounds.get()
        sent = lambda: Invitation.objects.filter(round=survey_round, state=SendState.SENT).count() == 3  # noqa: E731
        _run_worker_until(worker, sent, snapshots)

        def queue_reminders():
            # Sent a week ago, as far as the reminders know: due now.
            survey_round.invitations.update(sent_at=timezone.now() - datetime.timedelta(days=8))
            tasks.send_reminders.delay(list(survey_round.invitations.values_list("pk", flat=True)))

        snapshots.append(_queue_and_snapshot(queue_reminders))
        reminded = lambda: survey_round.invitations.filter(reminders_sent=1).count() == 3  # noqa: E731
        _run_worker_until(worker, reminded, snapshots)
        snapshots.append(redis_snapshot(REDIS_URL))

        raw_tokens = tokens_in(sink.messages)
        link = reverse("surveys:respond", args=[sorted(raw_tokens)[0]])
        assert client.get(link).status_code == 200
        assert client.post(link, {f"q{question.pk}": "3", "action": "submit"}).status_code == 302
        assert client.get(link).status_code == 404  # a used link: logged, with its path
        dump = pg_dump()

    logs = output.getvalue().encode() + caplog.text.encode()
    worker_log = worker.log.read_bytes()
    redis_bytes = b"\n".join(snapshot.everything for snapshot in snapshots)
    places = {"pg_dump": dump, "redis": redis_bytes, "web_logs": logs, "worker_log": worker_log}
    found = {place: hits(content, raw_tokens) for place, content in places.items()}
    figures.setdefault("token-attacks", {}).update(
        raw_tokens_checked=len(raw_tokens),
        raw_token_hits=found,
        bytes_searched={place: len(content) for place, content in places.items()},
        redis_task_messages_read=sum(len(snapshot.task_bodies) for snapshot in snapshots),
    )
    assert len(raw_tokens) == 6  # three invitations and three reminders, each with its own link
    # The searches can find things: the hashes are in the dump, the tasks in Redis, the 404 in the log.
    assert hits(dump, [hash_token(token) for token in raw_tokens]) == 6
    assert b"surveys.tasks.send_reminders" in redis_bytes
    assert all(snapshot.task_bodies for snapshot in snapshots[:-1])
    assert b"Public survey page answered 404" in logs
    leaked = [line for line in logs.decode().splitlines() if any(t in line for t in raw_tokens)]
    assert found == dict.fromkeys(places, 0), (found, leaked[:5])
