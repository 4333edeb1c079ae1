"""`make run`'s two processes: the web server and the Celery worker with the
scheduler inside it, started together and stopped together.

Ctrl-C, or TERM to this process, stops both within STOP_SECONDS: each is
asked to stop (TERM), and whatever is still running after the grace is
killed, with its pool processes (a worker's warm shutdown can wait on its
scheduler for longer). Killing a worker mid-send is safe: sends
are claimed before they leave (core/outbox.py). Files made while it runs
(emails written to var/sent-emails/, the broker's queue) are readable by
the owner only."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_SECONDS = 8


class Command(BaseCommand):
    help = "Runs the web server and the background worker together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("address", help="host:port for the web server")

    def handle(self, *args, address: str, **options):
        os.umask(0o077)
        celery = Path(sys.executable).parent / "celery"
        worker_command = [
            str(celery), "-A", "crm", "worker", "--beat", "--concurrency=2", "--loglevel=INFO",
            f"--schedule={Path(settings.VAR_DIR) / 'celerybeat-schedule'}", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        web_command = [sys.executable, "manage.py", "runserver", "--noreload", address]
        stopping = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.set())
        # Each in its own process group: a stop reaches the worker's pool too.
        processes = [
            subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)  # noqa: S603 - our own commands
            for command in (worker_command, web_command)
        ]
        while not stopping.is_set() and all(process.poll() is None for process in processes):
            stopping.wait(0.5)
        self.stdout.write("Stopping the web server and the worker…")
        _stop(processes)


def _stop(processes: list[subprocess.Popen]) -> None:
    # TERM to each main process only: the worker then stops its own pool
    # (a TERM to the whole group makes the pool processes die as errors).
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout=5)
    for process in processes:
        _signal_group(process, signal.SIGKILL)  # pool processes left behind, if any


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signum)
