"""A Redis of the test's own: redis-server on a free port, keeping nothing
on disk, that a test may stop and start again. Never the machine's shared
Redis."""

import shutil
import subprocess

import redis

from tests.surveys.real_services import free_port, wait_for


class OwnRedis:
    """redis-server on a free port, keeping nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--save", "",
                   "--appendonly", "no", "--bind", "127.0.0.1"]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        assert wait_for(self._answers, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False
