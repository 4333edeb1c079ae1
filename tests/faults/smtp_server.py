"""An SMTP server on loopback that misbehaves on purpose, and keeps the
evidence: every message it read to its final "." line, whether or not it
answered. A message it read is one the real world may deliver, so two of
them for one person are a duplicate, whatever the sender recorded."""

import contextlib
import socket
import socketserver
import threading
import time
from collections import Counter
from collections.abc import Callable
from email import message_from_bytes

# What the server does. NORMAL answers every command; the others fail at one
# step, for every message, until `behaviour` is set back to NORMAL.
NORMAL = "normal"
SLOW_AFTER_DATA = "slow-after-data"  # reads the message, answers 250 after `slow_seconds`
DROP_AFTER_DATA = "drop-after-data"  # reads the message, hangs up without a word
SILENT = "silent"  # takes the connection and never says anything


class _Session(socketserver.StreamRequestHandler):
    server: "FaultySmtpServer._Server"

    def handle(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.connections += 1
        if owner.behaviour == SILENT:
            owner.hold(self.connection)
            return
        self._say(b"220 faulty.test ESMTP")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self._say(b"250-faulty.test\r\n250 SIZE 10000000" if command.startswith(b"EHLO") else b"250 ok")
            elif command.startswith((b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                self._say(b"250 ok")
            elif command == b"DATA":
                self._say(b"354 go ahead")
                if not self._message(owner):
                    return
            elif command == b"QUIT":
                if owner.behaviour == SILENT:
                    owner.hold(self.connection)
                    return
                self._say(b"221 bye")
                return
            else:
                self._say(b"502 not implemented")

    def _message(self, owner: "FaultySmtpServer") -> bool:
        """Reads one message; answers as the behaviour says. False: hung up."""
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        if not line:
            return False  # the client went away before the end: nothing was handed over
        owner.record(b"".join(lines))
        behaviour = owner.behaviour
        if behaviour == DROP_AFTER_DATA:
            return False
        if behaviour == SLOW_AFTER_DATA:
            time.sleep(owner.slow_seconds)
        elif behaviour == SILENT:
            owner.hold(self.connection)
            return False
        self._say(b"250 queued")
        return True

    def _say(self, reply: bytes) -> None:
        with contextlib.suppress(OSError):  # the client gave up waiting
            self.wfile.write(reply + b"\r\n")


class FaultySmtpServer:
    """Use as a context manager; set `behaviour` at any time."""

    class _Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        owner: "FaultySmtpServer"

    def __init__(self, behaviour: str = NORMAL, slow_seconds: float = 2.0):
        self.behaviour = behaviour
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self.received: Counter = Counter()
        self.message_ids: list[str] = []
        self.connections = 0
        self._held: list[socket.socket] = []
        self._server: FaultySmtpServer._Server | None = None
        # Called with the number of messages read so far, after each one.
        self.on_message: Callable[[int], None] | None = None
        self.port = 0

    def __enter__(self) -> "FaultySmtpServer":
        self._server = self._Server(("127.0.0.1", 0), _Session)
        self._server.owner = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
        for held in self._held:
            held.close()

    def record(self, data: bytes) -> None:
        message = message_from_bytes(data)
        (address,) = message.get_all("To")
        with self.lock:
            self.received[address.lower()] += 1
            self.message_ids.append(message["Message-ID"])
            count = sum(self.received.values())
        if self.on_message is not None:
            self.on_message(count)

    def hold(self, connection: socket.socket) -> None:
        """Keeps a connection open and silent until the server stops."""
        with self.lock:
            self._held.append(connection)
        while self.behaviour == SILENT and self._server is not None:
            time.sleep(0.05)

    @property
    def duplicates(self) -> int:
        with self.lock:
            return sum(count - 1 for count in self.received.values() if count > 1)
