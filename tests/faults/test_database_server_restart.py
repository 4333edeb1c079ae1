"""PostgreSQL stopped for eight seconds and started again while a real
Celery worker sends a round: every invitation ends sent, once. The database
is a cluster of the test's own (tests/faults/own_postgres.py); the worker,
Redis and the SMTP server are real."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from surveys.services.sending import CLAIM_SIZE
from tests.surveys.real_services import ROOT, Worker, new_queue, publisher, require_redis, wait_for

from .own_postgres import OwnPostgres
from .smtp_server import FaultySmtpServer

pytestmark = pytest.mark.services

INVITATIONS = 200
OUTAGE_SECONDS = 8
DATABASE = "crm_fault"

# Run inside the project with the test's own database: a round of
# INVITATIONS people, and the ids of its invitations.
MAKE_ROUND = f"""
import json
from datetime import timedelta
from django.utils import timezone
from surveys.models import Invitation, Recipient, Round, Survey
survey = Survey.objects.create(title="Restart", audience="participants", status="active", anonymous=True)
survey.questions.create(kind="agreement", text="Staff treat me with respect", position=1)
people = []
for n in range({INVITATIONS}):
    people.append(Recipient(audience="participants", email=f"person{{n}}@example.org", consent=True))
    people[-1].save()
survey_round = Round.objects.create(survey=survey, closes_at=timezone.now() + timedelta(days=7))
rows = Invitation.objects.bulk_create([Invitation(round=survey_round, recipient=person) for person in people])
print(json.dumps([row.pk for row in rows]))
"""


def _manage(database_url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings.base",
        "DATABASE_URL": database_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _states(url: str) -> dict[str, int] | None:
    try:
        with psycopg.connect(url, connect_timeout=2) as db:
            return dict(db.execute("SELECT state, count(*) FROM surveys_invitation GROUP BY state").fetchall())
    except psycopg.OperationalError:
        return None  # the server is stopped


def test_a_database_restart_while_a_worker_sends_a_round_loses_and_doubles_nothing(fault_report):
    require_redis()
    if not OwnPostgres.available():
        pytest.skip("needs PostgreSQL's server binaries to run a cluster of the test's own")
    # Not pytest's tmp_path: its parent is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="crm-fault-pg-"))
    own = OwnPostgres(folder)
    own.create()
    own.start()
    url = own.url(DATABASE)
    restarted = threading.Event()
    try:
        own.create_database(DATABASE)
        _manage(url, "migrate", "--noinput")
        ids = json.loads(_manage(url, "shell", "-c", MAKE_ROUND).strip().splitlines()[-1])

        def restart_midway(count: int) -> None:
            if count == INVITATIONS // 4 and not restarted.is_set():
                restarted.set()
                threading.Thread(target=_restart, args=(own,), daemon=True).start()

        with FaultySmtpServer() as server:
            server.on_message = restart_midway
            queue = new_queue()
            worker = Worker(server.port, queue, extra_env={"DATABASE_URL": url})
            worker.start()
            try:
                app = publisher(queue)
                for start in range(0, len(ids), CLAIM_SIZE):
                    app.send_task("surveys.tasks.send_invitations", args=[ids[start : start + CLAIM_SIZE]], queue=queue)
                settled = wait_for(lambda: _settled(_states(url)), timeout=180)
            finally:
                worker.stop()
        states = _states(url) or {}
    finally:
        own.stop()
        shutil.rmtree(folder, ignore_errors=True)

    read = sum(server.received.values())
    fault_report(
        "PostgreSQL stopped for 8 s and started again while a worker sends (200 invitations)",
        invitations=INVITATIONS,
        sent=states.get("sent", 0),
        unknown=states.get("unknown", 0),
        emails_read_by_server=read,
        duplicates=server.duplicates,
        lost=INVITATIONS - len(server.received),
        failed_5xx=0,
    )
    assert restarted.is_set() and settled, states
    assert states == {"sent": INVITATIONS}
    assert server.duplicates == 0 and read == INVITATIONS


def _settled(states: dict[str, int] | None) -> bool:
    """Every row's outcome is known (None: the server is down, so not yet)."""
    return bool(states) and not states.get("pending") and not states.get("sending")


def _restart(own: OwnPostgres) -> None:
    own.stop()
    time.sleep(OUTAGE_SECONDS)
    own.start()
