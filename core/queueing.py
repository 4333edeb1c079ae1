"""Queuing background work from a page without ever failing the page.

A page that has committed its work (a round opened, invitations to send
again) must not answer 500 because the broker (Redis) is away: the rows it
wrote are the truth, and each kind's sweeper queues the waiting rows that
nobody picked up within 30 s (core.outbox.QUEUE_GRACE). So a failure to
queue is logged and left to the sweeper."""

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction
from kombu.exceptions import KombuError

log = logging.getLogger(__name__)


def after_commit(queue: Callable[[], object]) -> None:
    """Calls `queue` (which queues tasks) once the transaction commits."""
    transaction.on_commit(partial(_try, queue))


def _try(queue: Callable[[], object]) -> None:
    try:
        queue()
    except (KombuError, OSError) as error:
        log.warning("Could not queue background work (%s); the sweeper will queue it", type(error).__name__)
