"""Where a secret could leak to, read as an attacker would read it: a plain
`pg_dump` of the database, every key of the Redis database (the broker's
queued and unacknowledged task messages decoded, since kombu base64-encodes
message bodies and a plain grep would miss a token in a task argument), the
log output as the console handler writes it, and the mails an SMTP sink got.

Used by the token-attack and canary-sweep tests; each search reports bytes
searched and hits, so the figures say how much was looked at."""

import base64
import contextlib
import email
import io
import json
import logging
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import redis
from django.db import connection

from tests.surveys.real_services import SmtpSink, _Collect

TOKEN_IN_LINK = re.compile(r"/s/([A-Za-z0-9_-]{43})/")


def pg_dump() -> bytes:
    """The whole test database (schema, data, history tables) as plain SQL."""
    db = connection.settings_dict
    command = [
        "pg_dump", "--no-owner", "--no-privileges",
        "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres", db["NAME"],
    ]  # fmt: skip
    return subprocess.run(command, check=True, capture_output=True, timeout=120).stdout  # noqa: S603 - fixed command


# --- Redis --------------------------------------------------------------------------------


def _decoded_bodies(value: bytes) -> list[bytes]:
    """The task payloads inside a kombu message (a queued one is the message
    itself; an unacknowledged one is `[message, exchange, routing_key]`)."""
    try:
        parsed = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        return []
    messages = parsed if isinstance(parsed, list) else [parsed]
    bodies = []
    for message in messages:
        if isinstance(message, dict) and "body" in message:
            body = message["body"]
            if message.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body)
            bodies.append(body if isinstance(body, bytes) else str(body).encode())
    return bodies


def _values(client: redis.Redis, key: bytes) -> list[bytes]:
    kind = client.type(key).decode()
    if kind == "string":
        return [client.get(key) or b""]
    if kind == "list":
        return client.lrange(key, 0, -1)
    if kind == "hash":
        return [part for pair in client.hgetall(key).items() for part in pair]
    if kind == "set":
        return list(client.smembers(key))
    if kind == "zset":
        return [member for member, _ in client.zrange(key, 0, -1, withscores=True)]
    if kind == "stream":
        return [json.dumps(entry, default=repr).encode() for entry in client.xrange(key)]
    return []


@dataclass
class RedisSnapshot:
    """Everything in one Redis database at one moment."""

    keys: int = 0
    blobs: list[bytes] = field(default_factory=list)  # key names, raw values, DUMP payloads
    task_bodies: list[bytes] = field(default_factory=list)  # decoded task messages (args, kwargs)

    @property
    def everything(self) -> bytes:
        return b"\n".join(self.blobs + self.task_bodies)


def redis_snapshot(url: str) -> RedisSnapshot:
    client = redis.Redis.from_url(url)
    snapshot = RedisSnapshot()
    for key in client.scan_iter(count=1000):
        snapshot.keys += 1
        values = _values(client, key)
        snapshot.blobs += [key, client.dump(key) or b"", *values]
        for value in values:
            snapshot.task_bodies += _decoded_bodies(value)
    return snapshot


def in_flight_snapshot(url: str) -> RedisSnapshot | None:
    """Redis read while a worker holds a task unacknowledged, or None. On a
    busy machine the message may be acknowledged between seeing it
    unacknowledged and reading Redis: the caller polls this until it gets
    a snapshot with a task in it."""
    if not redis.Redis.from_url(url).hlen("unacked"):
        return None
    snapshot = redis_snapshot(url)
    return snapshot if snapshot.task_bodies else None


# --- logs ---------------------------------------------------------------------------------


@contextlib.contextmanager
def log_output() -> Iterator[io.StringIO]:
    """What the console handler would print: a copy of it (same format, same
    filters, so the token redaction is applied exactly as in production)
    writing to a buffer, on the root logger and on every logger that does
    not propagate to it (Django's own)."""
    console = next(h for h in logging.getLogger().handlers if getattr(h, "name", "") == "console")
    buffer = io.StringIO()
    copy = logging.StreamHandler(buffer)
    copy.setFormatter(console.formatter)
    for log_filter in console.filters:
        copy.addFilter(log_filter)
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate and console in logger.handlers
    ]
    for logger in loggers:
        logger.addHandler(copy)
    try:
        yield buffer
    finally:
        for logger in loggers:
            logger.removeHandler(copy)


# --- mail ---------------------------------------------------------------------------------


class _Keep(_Collect):
    def __init__(self, delay: float):
        super().__init__(delay)
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages.append(envelope.content)
        return await super().handle_DATA(server, session, envelope)


class KeepingSmtpSink(SmtpSink):
    """The SMTP sink of the real-service tests, also keeping each message, so
    a test holds the raw tokens exactly as a recipient would."""

    def __init__(self, delay: float = 0.0):
        super().__init__(delay)
        self.handler = _Keep(delay)
        self.controller.handler = self.handler

    @property
    def messages(self) -> list[bytes]:
        with self.handler.lock:
            return list(self.handler.messages)


def message_text(raw: bytes) -> str:
    """Every text part of a mail, transfer encoding undone."""
    parts = []
    for part in email.message_from_bytes(raw).walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    return "\n".join(parts)


def tokens_in(messages: Iterable[bytes]) -> set[str]:
    return {token for raw in messages for token in TOKEN_IN_LINK.findall(message_text(raw))}


def hits(haystack: bytes, needles: Iterable[str]) -> int:
    """How many of `needles` occur in `haystack`."""
    return sum(needle.encode() in haystack for needle in needles)
