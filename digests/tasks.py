"""Thin Celery tasks for the digests; declared on the beat in crm/celery.py."""

from celery import shared_task
from django.utils import timezone

from . import sending as digests
from .models import DigestKind


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_digest(digest_id: int) -> str:
    return digests.send_digest(digest_id)


@shared_task
def queue_follow_up_digests() -> int:
    if timezone.localtime().hour < digests.SEND_FROM_HOUR:
        return 0
    ids = digests.queue_digests(DigestKind.FOLLOW_UP, timezone.localdate())
    for digest_id in ids:
        send_digest.delay(digest_id)
    return len(ids)


@shared_task
def queue_leadership_digests() -> int:
    """Runs daily; the month's digest is created once, on the first day the
    beat runs in that month, so a missed first of the month skips nothing."""
    if timezone.localtime().hour < digests.SEND_FROM_HOUR:
        return 0
    ids = digests.queue_digests(DigestKind.LEADERSHIP, timezone.localdate().replace(day=1))
    for digest_id in ids:
        send_digest.delay(digest_id)
    return len(ids)


@shared_task
def sweep_digests() -> int:
    return digests.sweep_digests()
