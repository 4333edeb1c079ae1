"""Thin Celery tasks for the digests; declared on the beat in crm/celery.py."""

from celery import shared_task
from django.utils import timezone

from core import outbox

from . import sending
from .models import DigestKind


@shared_task(**outbox.SEND_TASK_OPTIONS)
def send_digests(digest_ids: list[int]) -> dict:
    outcome = outbox.deliver(sending.DIGESTS, digest_ids)
    outbox.follow_up(send_digests, outcome, sending.GROUP_SIZE)
    return outcome.summary()


def _queue(kind: str, period) -> int:
    ids = sending.queue_digests(kind, period)
    for group in outbox.in_groups(ids, sending.GROUP_SIZE):
        send_digests.delay(group)
    return len(ids)


@shared_task
def queue_follow_up_digests() -> int:
    if timezone.localtime().hour < sending.SEND_FROM_HOUR:
        return 0
    return _queue(DigestKind.FOLLOW_UP, timezone.localdate())


@shared_task
def queue_leadership_digests() -> int:
    """Runs hourly; the month's digest is created once, on the first day the
    beat runs in that month, so a missed first of the month skips nothing."""
    if timezone.localtime().hour < sending.SEND_FROM_HOUR:
        return 0
    return _queue(DigestKind.LEADERSHIP, timezone.localdate().replace(day=1))


@shared_task
def sweep_digests() -> dict:
    result = sending.sweep_digests()
    for group in outbox.in_groups(result["requeue"], sending.GROUP_SIZE):
        send_digests.delay(group)
    return {"unknown": result["unknown"], "requeued": len(result["requeue"])}
