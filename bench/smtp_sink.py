"""A local SMTP server that accepts everything and counts it per recipient:
the mail server of the dispatch benchmark. Run as
`python -m bench.smtp_sink PORT STATS_FILE`; it rewrites STATS_FILE (JSON) a
few times a second, and once more, with every recipient's count, when it is
stopped with SIGTERM."""

import json
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self):
        self.recipients: Counter = Counter()
        self.accepted = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        now = time.time()
        with self.lock:
            for address in envelope.rcpt_tos:
                self.recipients[address.lower()] += 1
            self.accepted += 1
            self.first_at = self.first_at or now
            self.last_at = now
        return "250 Message accepted for delivery"

    def stats(self, *, with_recipients: bool = False) -> dict:
        with self.lock:
            figures = {
                "accepted": self.accepted,
                "unique_recipients": len(self.recipients),
                "first_at": self.first_at,
                "last_at": self.last_at,
            }
            if with_recipients:
                figures["recipients"] = dict(self.recipients)
        return figures


def write(path: Path, figures: dict) -> None:
    """Replaces the file in one step, so that a reader never sees half of it."""
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(figures))
    partial.replace(path)


def main(port: int, path: Path) -> None:
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    write(path, handler.stats())
    while not stopping.wait(0.2):
        write(path, handler.stats())
    controller.stop()
    write(path, handler.stats(with_recipients=True))


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
