"""Helpers for the `services` tests: a local SMTP sink, a real Celery worker
process on the machine's Redis, and a publisher that talks to that Redis."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import pools as kombu_pools

from surveys.choices import Audience, SurveyStatus
from surveys.models import Invitation, Recipient, Round, Survey

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[2]


def require_real_services() -> None:
    """Skip, with the reason, unless PostgreSQL and Redis are there."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): the worker must share the test database")
    require_redis()


def require_redis() -> None:
    """Skip, with the reason, unless Redis is there."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at {REDIS_URL}: {error}")


def round_with_invitations(count: int, title: str = "Kill test") -> Round:
    """An anonymous participants' survey with one question and an open round
    inviting `count` people (person0@example.org…), committed as the real
    worker's process must see it."""
    survey = Survey.objects.create(
        title=title, audience=Audience.PARTICIPANTS, status=SurveyStatus.ACTIVE, anonymous=True
    )
    survey.questions.create(kind="agreement", text="Staff treat me with respect", position=1)
    recipients = [
        Recipient(audience=Audience.PARTICIPANTS, email=f"person{n}@example.org", consent=True) for n in range(count)
    ]
    for recipient in recipients:
        recipient.save()  # not bulk_create: save() sets the encrypted address's digest
    survey_round = Round.objects.create(survey=survey, closes_at=timezone.now() + timedelta(days=7))
    Invitation.objects.bulk_create([Invitation(round=survey_round, recipient=r) for r in recipients])
    return survey_round


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collect:
    def __init__(self, delay: float):
        self.delay = delay
        self.recipients: Counter = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self.lock:
            for address in envelope.rcpt_tos:
                self.recipients[address.lower()] += 1
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server on loopback that counts what it accepted, per recipient."""

    def __init__(self, delay: float = 0.0):
        self.handler = _Collect(delay)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def received(self) -> Counter:
        with self.handler.lock:
            return Counter(self.handler.recipients)


class Worker:
    """`celery worker` in its own process group, on its own queue."""

    def __init__(
        self, smtp_port: int, queue: str, concurrency: int = 2, extra_env: dict | None = None, beat: bool = False
    ):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "crm.settings.base",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": REDIS_URL,
            "CELERY_QUEUE": queue,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "SECRET_KEY": settings.SECRET_KEY,
            "SITE_URL": "http://testserver",
            "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        self.queue = queue
        self.concurrency = concurrency
        # With the scheduler inside (`--beat`), publishing the periodic tasks to `queue`.
        self.beat = beat
        self.process: subprocess.Popen | None = None
        self.log = ROOT / "test-results" / f"worker-{queue}.log"
        self.log.parent.mkdir(exist_ok=True)

    def start(self) -> None:
        command = [
            sys.executable, "-m", "celery", "-A", "crm", "worker",
            "--pool=prefork", f"--concurrency={self.concurrency}", "-Q", self.queue,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
        ]  # fmt: skip
        if self.beat:
            command += ["--beat", f"--schedule={ROOT / 'test-results' / f'beat-{self.queue}'}"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self) -> None:
        """SIGKILL the whole worker: the main process and its pool children."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def publisher(queue: str) -> Celery:
    app = Celery("test-publisher", broker=REDIS_URL)
    app.conf.task_default_queue = queue
    return app


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def wait_for(predicate, timeout: float, interval: float = 0.2):
    """Polls until `predicate()` is truthy or the deadline passes; returns its last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


@contextlib.contextmanager
def web_process_publishes_to(queue: str):
    """Makes this (test) process queue tasks on Redis, on `queue`, as the web
    server does in production, then puts the eager test settings back."""
    from crm.celery import app

    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=queue)
    _forget_broker_pools(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        _forget_broker_pools(app)


def _forget_broker_pools(app) -> None:
    """The app keeps the connection and producer pools of the broker it first
    published to (memory:// once any earlier test has sent a task): drop them,
    or tasks would still go there instead of to the broker configured now."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # The pools also sit in kombu's global registry, keyed by broker URL: a
    # second publishing context on the same Redis would get the closed one
    # back ("Acquire on closed pool"). Empty the registry too.
    kombu_pools.reset()
