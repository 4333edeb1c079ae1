"""The real processes a benchmark measures — gunicorn, a Celery worker, the
SMTP sink — each in its own process group so that stopping it stops its
children too, and what /proc says about them: CPU time and peak memory.

Read from /proc rather than through psutil: two numbers per process do not
need a dependency, and the benchmark runs only on Linux."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = ROOT / "var" / "bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate: Callable[[], object], timeout: float, interval: float = 0.1):
    """Polls until `predicate()` is truthy or the deadline passes; returns its last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


def database_url() -> str:
    """The URL of the database this process uses, for the child processes."""
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**extra: str) -> dict:
    """The environment of every process started here: the bench settings, the
    same database and Redis, quiet logs."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings.bench",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


# What /proc tells about a process --------------------------------------------


def children(pid: int) -> list[int]:
    """Direct children of `pid` (all its threads), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name, in parentheses, may hold spaces: split after it.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MiB (0 if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# The processes -----------------------------------------------------------------


class Service:
    """A command in its own process group, logging to var/bench/<name>.log."""

    name = "service"

    def __init__(self, command: list[str], env: dict):
        self.command = command
        self.env = env
        self.process: subprocess.Popen | None = None
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = LOG_DIR / f"{self.name}-{os.getpid()}.log"

    def start(self) -> "Service":
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        """The processes doing the work: the master's children."""
        return children(self.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Gunicorn(Service):
    """The product's WSGI app, served as in production (sync workers)."""

    name = "gunicorn"

    def __init__(self, workers: int = 2):
        self.port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "crm.wsgi:application",
            f"--workers={workers}", f"--bind=127.0.0.1:{self.port}", "--log-level=warning",
            # Method and status only: the path would hold private survey tokens.
            f"--access-logfile={LOG_DIR / f'gunicorn-access-{self.port}.log'}", "--access-logformat=%(m)s %(s)s",
        ]  # fmt: skip
        super().__init__(command, child_env())
        self.worker_count = workers
        # Named for the port: two benchmark runs at once must not share it.
        self.access_log = LOG_DIR / f"gunicorn-access-{self.port}.log"

    def stop(self) -> None:
        super().stop()
        self.access_log.unlink(missing_ok=True)

    def start(self) -> "Gunicorn":
        self.access_log.unlink(missing_ok=True)
        return self._start()

    def answered(self, method: str, status: int) -> int:
        """How many requests the server answered with `status`, so far, from
        its access log: the server's count, which includes requests still in
        flight when the load generator stopped."""
        if not self.access_log.exists():
            return 0
        return self.access_log.read_text().splitlines().count(f"{method} {status}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _start(self) -> "Gunicorn":
        super().start()
        ready = wait_for(lambda: len(self.workers()) == self.worker_count and self._answers(), timeout=60, interval=0.5)
        if not ready or self.process.poll() is not None:
            self.stop()
            raise RuntimeError(f"gunicorn did not start; see {self.log}")
        return self

    def _answers(self) -> bool:
        """A worker has loaded the app and served a page (the master alone
        accepts connections before any worker could answer them)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/s/thanks/")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()


class CeleryWorker(Service):
    """A real `celery worker` (prefork) on its own queue, mailing to `smtp_port`."""

    name = "celery-worker"

    def __init__(self, queue: str, smtp_port: int, concurrency: int = 2):
        command = [
            sys.executable, "-m", "celery", "-A", "crm", "worker",
            "--pool=prefork", f"--concurrency={concurrency}", "-Q", queue,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
        ]  # fmt: skip
        env = child_env(
            CELERY_QUEUE=queue,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
        )
        super().__init__(command, env)
        self.concurrency = concurrency

    def start(self) -> "CeleryWorker":
        super().start()
        if not wait_for(lambda: len(self.workers()) >= self.concurrency, timeout=60):
            self.stop()
            raise RuntimeError(f"the Celery worker did not start; see {self.log}")
        return self


class SinkProcess(Service):
    """bench/smtp_sink.py in a process of its own, so that the sink's CPU is
    not shared with the client being measured (the raw smtplib loop)."""

    name = "smtp-sink"

    def __init__(self, stats_file: Path):
        self.port = free_port()
        self.stats_file = stats_file
        command = [sys.executable, "-m", "bench.smtp_sink", str(self.port), str(stats_file)]
        super().__init__(command, dict(os.environ))

    def start(self) -> "SinkProcess":
        super().start()
        if not wait_for(lambda: self.stats_file.exists(), timeout=30):
            self.stop()
            raise RuntimeError(f"the SMTP sink did not start; see {self.log}")
        return self


def process_figures(service: Service) -> dict:
    """CPU seconds and peak RSS of a service's worker processes, read while
    they still run."""
    workers = service.workers()
    return {
        "worker_pids": workers,
        "cpu_seconds": sum(cpu_seconds(pid) for pid in workers),
        "peak_rss_mb": max((peak_rss_mb(pid) for pid in workers), default=0.0),
        "master_peak_rss_mb": peak_rss_mb(service.pid),
    }
