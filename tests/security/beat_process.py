"""One beat-like process for the scheduler-attack tests: at each tick of a
fake clock it runs the periodic tasks the beat schedules (crm/celery.py)
for rounds, exactly as a worker would run them when the beat fires.

Run as `python -m tests.security.beat_process TICKS_JSON BARRIER_PREFIX PARTIES`
with the test database, Redis and the SMTP sink in the environment. Before
each tick the processes meet at a barrier in Redis, so that two of them hit
the same instant together, the worst case for a doubled beat. Sending runs
in-process (CELERY_TASK_ALWAYS_EAGER) under the same fake clock."""

import json
import os
import sys
import time
from datetime import datetime


def _meet(client, key: str, parties: int, timeout: float = 120) -> None:
    client.incr(key)
    client.expire(key, 600)
    deadline = time.monotonic() + timeout
    while int(client.get(key) or 0) < parties:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the other beat never reached {key}")
        time.sleep(0.005)


def main(ticks_json: str, barrier_prefix: str, parties: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.base")
    import django

    django.setup()
    import redis
    import time_machine

    from surveys import tasks

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for number, instant in enumerate(json.loads(ticks_json)):
        _meet(client, f"{barrier_prefix}:{number}", int(parties))
        with time_machine.travel(datetime.fromisoformat(instant), tick=False):
            opened = tasks.open_due_rounds()
            tasks.close_due_rounds()
        print(json.dumps({"tick": number, "opened": opened}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
