"""Runs Debian's wrk with one of the Lua scripts in bench/wrk/ and reads back
the JSON line the scripts print when they finish."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "wrk"
# One wrk thread and a few connections: enough to keep two gunicorn workers
# busy while leaving the second core to the server on a 2-core machine.
THREADS = 1
CONNECTIONS = 8


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    socket_errors: int
    threads_ran_out: int
    statuses: dict[str, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def count(self, status: int) -> int:
        return self.statuses.get(str(status), 0)

    def combined_with(self, other: "WrkResult") -> "WrkResult":
        """Two runs of the same requests as one: counts and time added; of
        the latencies, the mean of the medians and the worse p95 and p99."""
        statuses = {k: self.statuses.get(k, 0) + other.statuses.get(k, 0) for k in {*self.statuses, *other.statuses}}
        return WrkResult(
            requests=self.requests + other.requests,
            seconds=self.seconds + other.seconds,
            p50_ms=(self.p50_ms + other.p50_ms) / 2,
            p95_ms=max(self.p95_ms, other.p95_ms),
            p99_ms=max(self.p99_ms, other.p99_ms),
            socket_errors=self.socket_errors + other.socket_errors,
            threads_ran_out=self.threads_ran_out + other.threads_ran_out,
            statuses=statuses,
        )

    def rate_of(self, status: int) -> float:
        """Requests per second that got `status` (a redirect = a stored submission)."""
        return self.count(status) / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, script: str, args: list[str], seconds: float) -> WrkResult:
    command = [
        "wrk", f"--threads={THREADS}", f"--connections={CONNECTIONS}", f"--duration={max(1, round(seconds))}s",
        "--timeout=10s", f"--script={SCRIPTS / script}", url, "--", *args,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout  # noqa: S603
    return parse_wrk_output(output)


def parse_wrk_output(output: str) -> WrkResult:
    line = next((line for line in output.splitlines() if line.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    raw = json.loads(line.removeprefix("WRK_RESULT "))
    return WrkResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        socket_errors=raw["socket_errors"],
        threads_ran_out=raw["threads_ran_out"],
        statuses=raw["statuses"],
    )
