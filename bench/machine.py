"""What the benchmark ran on: the head of docs/performance.md."""

import datetime
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603 - fixed arguments
            ["git", *args],  # noqa: S607 - git from PATH, like make
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        commit, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" (with uncommitted changes)" if dirty else "")


def _versions() -> dict:
    import django
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
    redis_version = "not configured"
    if getattr(settings, "REDIS_URL", ""):
        try:
            import redis

            redis_version = redis.Redis.from_url(settings.REDIS_URL).info("server")["redis_version"]
        except Exception as exc:  # noqa: BLE001 - the document says why
            redis_version = f"unreachable ({exc.__class__.__name__})"
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres.split()[0],
        "autovacuum": autovacuum,
        "redis": redis_version,
    }


def describe(started_at: datetime.datetime, load_before: tuple, load_after: tuple) -> dict:
    kib = _first("/proc/meminfo", "MemTotal").split()[0]
    return {
        "date": started_at.strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "ram_gib": round(int(kib) / 1024 / 1024, 1) if kib.isdigit() else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "commit": git_commit(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        **_versions(),
    }
