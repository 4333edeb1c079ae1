"""Dispatch: a round of 10,000 invitations sent by a real Celery worker over
real Redis to a local SMTP sink, against the limit — one plain `smtplib`
connection sending the same number of messages of the same size to the same
sink — measured in the same run.

Run alone: `python -m bench.dispatch` (DATABASE_URL, REDIS_URL as for
`make bench`)."""

import json
import smtplib
import tempfile
import time
import uuid
from pathlib import Path

from .processes import CeleryWorker, SinkProcess, process_figures, wait_for
from .report import Section
from .targets import DISPATCH_RATIO

WHAT_WE_CHANGED = """**What we changed.** Before (commit 825b473, this machine, busy): 16 invitations
per second against 508 for the raw loop, a ratio of **0.03**; py-spy showed
each pool process waiting on PostgreSQL (a new connection per task, three
commits per email) and on SMTP (a new connection per email). Changes:

1. The worker keeps its database connection between tasks
   (`CELERY_DB_REUSE_MAX`, and Django's `close_old_connections()` before each
   task in `crm/celery.py`, so a broken or old connection is still replaced).
2. One SMTP connection per worker process, kept open between emails, dropped
   after an error or 30 s idle (`surveys/emails.py`).
3. An invitation is rendered once per round and language (for a minute), with
   a slot where each email's own token goes: two queries and three template
   renders per email gone (`surveys/emails.py`).
4. The claim and the new link are one transaction (one wait for the disk, not
   two), still committed before the message leaves; marking a row `sent` does
   not wait for the disk (`synchronous_commit = off` for that transaction
   only): if the database crashed just then the row would stay `sending` and
   become `unknown`, as when a worker dies — never sent twice
   (`surveys/services/sending.py`).

After those four: 55 per second for 10,000 invitations (8.6 ms of worker CPU
per email), a ratio of **0.06** against 850 for the raw loop: every email was
its own Celery task, with a broker round trip, four ORM statements and one
durable commit.

Then (issue 6, batch sending; profiled with py-spy):

5. `dispatch_round` queues groups of 40 invitation ids, one `send_invitations`
   task each (ids only). The task claims its group in one transaction (rows
   read `FOR UPDATE SKIP LOCKED`, pending → sending, one link each with one
   `bulk_create`), commits it before any message leaves, sends over the kept
   connection and marks the accepted ones sent in one statement. A transient
   error hands back only its own row (retried after a growing pause, with any
   others of the group that failed so); a kill leaves at most one group (40
   rows) per pool process `unknown`.
6. Each round's message is turned into bytes once, with slots for the
   address and token; filling them in replaced the email package's MIME and
   header work (most of the remaining CPU). Only plain ASCII addresses take
   this path; the bytes equal what Django makes, but for Date, Message-ID and
   the MIME boundary (a test compares them).
7. The SMTP backend hands those bytes over without parsing the sender's and
   the recipient's address again for every email.

After: 491 per second against 908 for the raw loop, a ratio of **0.54**
(10,000 invitations, 1.1 ms of worker CPU per email, machine fairly quiet,
load average 1.5 on 2 cores); with other jobs running (load average 5) 356
against 445, **0.80**. Along the way, on the busy machine: groups of 20
alone, 0.28 and 0.30; with 6, 0.56; with 6 and 7, 0.45 to 0.71 (the raw loop
itself moved between 237 and 629 per second with the load). What is left is
mostly waiting for the mail server's replies (four round trips per email, as
in the raw loop) and each group's one durable commit. The price: a worker
SIGKILLed mid-group leaves up to 40 rows per pool process `unknown` (the kill
test: 200 invitations, 5 kills, 0 duplicates, 120 sent, 80 unknown of which
12 had arrived). We chose `CLAIM_SIZE = 20`, which halves that (160 sent,
40 unknown of which 10 had arrived), for less speed: the table above is the
run with this setting.


**Issue 13: one path for every email.** The send moved to `core/outbox.py`
(claim, send over Django's mail API, record), shared by invitations,
reminders and digests; the kept SMTP connection between groups, the
per-process cache of rendered emails and the per-email bytes were removed
and measured one by one on this machine (quiet, AMD EPYC, 2 cores): plain
Django messages, rendered and made into bytes for each email: **0.39**
(684 per second, 1.4 ms of worker CPU per email); each group rendering a
round's text once per language: **0.44-0.49** (1.1-1.3 ms); with the
group's bytes made once and filled in (`core/prefilled_email.py`): **0.50**
(0.9 ms); and sending those bytes without parsing the addresses again:
**0.66** (1,072 per second, 0.6 ms). The last two are kept, in that one
module, with a test that the bytes equal Django's own
(`tests/core/test_prefilled_email.py`); the connection kept between groups
is not."""
# A send that does not move for this long means the worker is stuck.
STALL_SECONDS = 60


def read_stats(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def wait_until_accepted(sink: SinkProcess, expected: int) -> dict:
    """Polls the sink until it has `expected` messages, or nothing has
    arrived for STALL_SECONDS."""
    last_count, last_change = -1, time.monotonic()
    while True:
        stats = read_stats(sink.stats_file)
        count = stats.get("accepted", 0)
        if count >= expected:
            return stats
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        elif time.monotonic() - last_change > STALL_SECONDS:
            return stats
        time.sleep(0.2)


def final_stats(sink: SinkProcess) -> dict:
    """Stops the sink, which then writes every recipient's count."""
    sink.stop()
    return read_stats(sink.stats_file)


def sample_message(invitation_id: int) -> bytes:
    """One real invitation email, rendered by the product in this process with
    Django's in-memory backend: the raw loop sends copies of it."""
    from surveys import emails
    from surveys.models import Invitation
    from surveys.tokens import new_token

    invitation = Invitation.objects.select_related("round__survey", "recipient").get(pk=invitation_id)
    context = emails.round_context(invitation.round, invitation.language)
    message = emails.survey_email("invitation", invitation, new_token()[0], context)
    return message.message().as_bytes(linesep="\r\n")  # as Django's SMTP backend sends it


def raw_smtp_loop(port: int, recipients: list[str], message: bytes) -> float:
    """The limit: one connection, one message per recipient. Returns seconds."""
    started = time.time()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for address in recipients:
            client.sendmail("feedback@localhost", [address], message)
    return time.time() - started


def run(*, invitations: int = 10_000, concurrency: int = 2) -> Section:
    from django.conf import settings

    from surveys.choices import SendState
    from surveys.models import Invitation

    from . import survey_fixture

    bench_round = survey_fixture.create_round(invitations, with_tokens=False, state=SendState.PENDING)
    rows = Invitation.objects.filter(round=bench_round.round)
    recipients = sorted(address.lower() for address in bench_round.emails)
    message = sample_message(bench_round.invitation_ids[0])
    queue = f"bench-{uuid.uuid4().hex[:12]}"
    try:
        with tempfile.TemporaryDirectory(prefix="bench-dispatch-") as folder:
            with SinkProcess(Path(folder) / "worker-sink.json") as sink:
                with CeleryWorker(queue, sink.port, concurrency) as worker:
                    publisher = _publisher(settings.REDIS_URL, queue)
                    cpu_before = process_figures(worker)["cpu_seconds"]
                    opened = time.time()
                    publisher.send_task("surveys.tasks.dispatch_round", args=[bench_round.round.pk], queue=queue)
                    wait_until_accepted(sink, invitations)
                    wait_for(lambda: not rows.filter(state=SendState.SENDING).exists(), timeout=30)
                    memory = process_figures(worker)
                    memory["cpu_seconds"] -= cpu_before
                    publisher.close()
                worker_stats = final_stats(sink)
            with SinkProcess(Path(folder) / "raw-sink.json") as sink:
                raw_seconds = raw_smtp_loop(sink.port, recipients, message)
                wait_until_accepted(sink, invitations)
                raw_stats = final_stats(sink)
        states = dict(_state_counts(rows))
    finally:
        survey_fixture.remove(bench_round)
    memory["concurrency"] = concurrency
    return _section(invitations, opened, worker_stats, raw_stats, raw_seconds, recipients, states, len(message), memory)


def _publisher(redis_url: str, queue: str):
    """A Celery client of its own on the bench Redis: queues the round's
    dispatch as the web process does when a round opens."""
    from celery import Celery

    app = Celery("bench-publisher", broker=redis_url)
    app.conf.task_default_queue = queue
    return app


def _state_counts(rows):
    from django.db.models import Count

    return rows.values_list("state").annotate(n=Count("id")).order_by()


def _section(expected, opened, worker, raw, raw_seconds, recipients, states, size, memory) -> Section:
    received = worker.get("recipients", {})
    seconds = (worker.get("last_at") or opened) - opened
    rate = worker.get("accepted", 0) / seconds if seconds > 0 else 0.0
    raw_rate = raw.get("accepted", 0) / raw_seconds if raw_seconds > 0 else 0.0
    ratio = rate / raw_rate if raw_rate else 0.0
    data = {
        "invitations": expected,
        "concurrency": memory["concurrency"],
        "message_bytes": size,
        "worker": {"accepted": worker.get("accepted", 0), "seconds": round(seconds, 2), "per_second": round(rate, 1)},
        "raw_smtplib": {
            "accepted": raw.get("accepted", 0),
            "seconds": round(raw_seconds, 2),
            "per_second": round(raw_rate, 1),
        },
        "ratio": round(ratio, 3),
        "states": states,
        "checks": {
            "no_duplicates": all(count == 1 for count in received.values()),
            "nothing_lost": sorted(received) == recipients,
            "all_rows_sent": states == {"sent": expected},
            "ratio_target_met": ratio >= DISPATCH_RATIO,
        },
        "worker_cpu_ms_per_message": round(1000 * memory["cpu_seconds"] / max(worker.get("accepted", 0), 1), 2),
        "celery_worker_peak_rss_mb": round(memory["peak_rss_mb"], 1),
        "celery_master_peak_rss_mb": round(memory["master_peak_rss_mb"], 1),
    }
    return Section("Dispatch: a 10,000-invitation round", _markdown(data), data)


def _rate(accepted: int, seconds: float, per_second: float) -> dict:
    return {"accepted": accepted, "seconds": round(seconds, 2), "per_second": round(per_second, 1)}


def _markdown(data: dict) -> str:
    checks = data["checks"]

    def yes(flag: bool) -> str:
        return "yes" if flag else "**NO**"

    worker, raw = data["worker"], data["raw_smtplib"]
    return f"""A round of {data["invitations"]:,} pending invitations, queued as opening a
round does (`dispatch_round`), sent by a real `celery worker` (prefork,
{data["concurrency"]} processes) over Redis to a local aiosmtpd sink in its own process. The limit:
one `smtplib` connection sending {data["invitations"]:,} copies of a real
invitation ({data["message_bytes"]:,} bytes) to the same kind of sink.

| Sender | Messages accepted | Seconds | Per second |
|---|---:|---:|---:|
| Celery worker, round opened → last message accepted | {worker["accepted"]:,} | {worker["seconds"]:.1f} | \
{worker["per_second"]:.0f} |
| Plain `smtplib` loop, one connection (the limit) | {raw["accepted"]:,} | {raw["seconds"]:.1f} | \
{raw["per_second"]:.0f} |

- Dispatch / raw SMTP: **{data["ratio"]:.2f}** (target ≥ {DISPATCH_RATIO}): {yes(checks["ratio_target_met"])}
- Every address received exactly one email: {yes(checks["no_duplicates"])}; none missing: \
{yes(checks["nothing_lost"])}; every invitation row `sent`: {yes(checks["all_rows_sent"])} ({data["states"]})
- CPU time of the worker's pool processes per message: {data["worker_cpu_ms_per_message"]:.1f} ms
- Peak RSS of a Celery pool process: {data["celery_worker_peak_rss_mb"]:.0f} MiB (the worker's main process: \
{data["celery_master_peak_rss_mb"]:.0f} MiB)

{WHAT_WE_CHANGED}"""


if __name__ == "__main__":
    from .standalone import main

    main(run)
