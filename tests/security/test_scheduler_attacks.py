"""The scheduler under attack, with real processes on PostgreSQL: two beats
running at once, a beat down for three periods, and a time-zone change.

Each "beat" is a separate Python process (tests/security/beat_process.py)
that runs the round tasks of the beat schedule at every tick of a fake
clock; the two meet at a barrier before each tick, so they ask "what is due?"
at the same instant. Invitations go out through SMTP to a local sink, which
counts what each person received."""

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from surveys.choices import RoundStatus
from surveys.models import Invitation, Round
from tests.factories import QuestionFactory, RecipientFactory, ScheduleFactory, SurveyFactory
from tests.surveys.real_services import REDIS_URL, ROOT, SmtpSink, require_real_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

START = datetime(2025, 1, 1, 9, tzinfo=UTC)  # the schedule's first slot
PEOPLE = 2


def _ticks(first: datetime, count: int, every: timedelta) -> list[datetime]:
    return [first + every * n for n in range(count)]


def _monthly_schedule():
    survey = SurveyFactory(status="active", audience="participants")
    QuestionFactory(survey=survey)
    RecipientFactory.create_batch(PEOPLE)
    return ScheduleFactory(survey=survey, recurrence="monthly", next_run_at=START, close_after_days=21)


def _run_beats(ticks: list[datetime], sink: SmtpSink, processes: int = 2, zone: str = "UTC") -> list[dict]:
    """Runs `processes` beats over the same ticks at once; returns their output lines."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings.base",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "SECRET_KEY": settings.SECRET_KEY,
        "LOG_LEVEL": "WARNING",
        "TZ": zone,
        "TIME_ZONE": zone,
    }
    ticks_json = json.dumps([tick.isoformat() for tick in ticks])
    barrier = f"beat-barrier-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "tests.security.beat_process", ticks_json, barrier, str(processes)]
    beats = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
        for _ in range(processes)
    ]
    lines = []
    for beat in beats:
        out, err = beat.communicate(timeout=300)
        assert beat.returncode == 0, err[-3000:]
        lines += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return lines


def _outcome(schedule, sink: SmtpSink) -> dict:
    rounds = Round.objects.filter(schedule=schedule)
    per_slot = rounds.values("due_at").annotate(n=Count("id"))
    invitations = Invitation.objects.filter(round__schedule=schedule)
    per_person = invitations.values("round", "recipient").annotate(n=Count("id"))
    received = sink.received
    return {
        "rounds": rounds.count(),
        "sent_rounds": rounds.exclude(status=RoundStatus.MISSED).count(),
        "missed_rounds": rounds.filter(status=RoundStatus.MISSED).count(),
        "duplicate_rounds": sum(row["n"] - 1 for row in per_slot),
        "duplicate_invitations": sum(row["n"] - 1 for row in per_person),
        "emails": sum(received.values()),
        "emails_per_person": sorted(received.values()),
    }


def _slots_until(last: datetime) -> list[datetime]:
    """The monthly slots from START up to `last` (all on the 1st at 09:00)."""
    slots, month = [], 0
    while (slot := START.replace(year=START.year + month // 12, month=month % 12 + 1)) <= last:
        slots.append(slot)
        month += 1
    return slots


@pytest.fixture
def sink():
    require_real_services()
    with SmtpSink() as running:
        yield running


def test_two_beats_at_once_for_sixty_ticks_open_each_due_round_once(sink, figures):
    schedule = _monthly_schedule()
    ticks = _ticks(START - timedelta(hours=9), 60, timedelta(days=5))  # 1 Jan to 25 Oct 2025
    due = _slots_until(ticks[-1])

    lines = _run_beats(ticks, sink, processes=2)
    outcome = _outcome(schedule, sink)

    figures.setdefault("scheduler-attacks", {})["two_beats"] = {
        "processes": 2,
        "ticks_each": len(ticks),
        "due_slots": len(due),
        "rounds_opened_by_the_beats": sum(line["opened"] for line in lines),
        **outcome,
    }
    assert len(lines) == 2 * len(ticks)
    assert len(due) == 10
    assert sorted(Round.objects.filter(schedule=schedule).values_list("due_at", flat=True)) == due
    assert sum(line["opened"] for line in lines) == len(due)  # each slot opened by one beat only
    assert outcome["missed_rounds"] == 0
    assert outcome["duplicate_rounds"] == outcome["duplicate_invitations"] == 0
    assert outcome["emails_per_person"] == [len(due)] * PEOPLE  # one email per round, per person


def test_a_beat_down_for_three_periods_records_the_missed_slots_and_sends_the_latest_once(sink, figures):
    schedule = _monthly_schedule()
    before = [START + timedelta(hours=1)]  # January's round goes out, then the beat stops
    after = _ticks(datetime(2025, 4, 5, tzinfo=UTC), 5, timedelta(days=4))  # back on 5 April

    lines = _run_beats(before, sink) + _run_beats(after, sink)
    outcome = _outcome(schedule, sink)

    statuses = dict(Round.objects.filter(schedule=schedule).values_list("due_at", "status"))
    figures.setdefault("scheduler-attacks", {})["beat_down_three_periods"] = {
        "ticks": 2 * (len(before) + len(after)),
        "due_slots": 4,
        **outcome,
    }
    assert statuses == {
        START: RoundStatus.CLOSED,
        datetime(2025, 2, 1, 9, tzinfo=UTC): RoundStatus.MISSED,
        datetime(2025, 3, 1, 9, tzinfo=UTC): RoundStatus.MISSED,
        datetime(2025, 4, 1, 9, tzinfo=UTC): RoundStatus.OPEN,
    }
    assert sum(line["opened"] for line in lines) == 2
    assert outcome["duplicate_rounds"] == outcome["duplicate_invitations"] == 0
    assert outcome["emails_per_person"] == [2] * PEOPLE  # January and April, once each
    assert not Invitation.objects.filter(round__status=RoundStatus.MISSED).exists()


ZONES = ["UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kathmandu"]


def test_a_time_zone_change_between_ticks_sends_nothing_extra(sink, figures):
    """The machine's zone (TZ) and the product's (TIME_ZONE) change between
    runs of the beat, each run repeating the instants of the one before:
    slots are instants, so no zone makes a slot due twice, or not at all."""
    schedule = _monthly_schedule()
    lines = []
    for number, zone in enumerate(ZONES):
        start = START - timedelta(hours=9) + timedelta(days=30 * number)
        # Half a day back first: the same instants, read in another zone.
        lines += _run_beats(_ticks(start - timedelta(hours=12), 10, timedelta(days=4)), sink, zone=zone)
    last = START - timedelta(hours=9) + timedelta(days=30 * (len(ZONES) - 1)) + timedelta(days=4 * 9, hours=-12)
    due = _slots_until(last)
    outcome = _outcome(schedule, sink)

    figures.setdefault("scheduler-attacks", {})["time_zone_change"] = {
        "zones": len(ZONES),
        "ticks": len(lines),
        "due_slots": len(due),
        **outcome,
    }
    assert sorted(Round.objects.filter(schedule=schedule).values_list("due_at", flat=True)) == due
    assert outcome["missed_rounds"] == outcome["duplicate_rounds"] == outcome["duplicate_invitations"] == 0
    assert Counter(outcome["emails_per_person"]) == Counter({len(due): PEOPLE})
