"""Thin Celery tasks: ids in, a service call, nothing else. The periodic ones
are declared in crm/celery.py."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from .models import Invitation
from .services import rounds, sending, spent_links
from .services.sending import TransientSendError

# A send survives its worker dying (acks_late, reject on worker lost) and
# retries a mail server that is briefly down, with growing pauses.
RETRY_BACKOFF, RETRY_BACKOFF_MAX = 30, 600
SEND_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (TransientSendError,),
    "retry_backoff": RETRY_BACKOFF,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": sending.MAX_ATTEMPTS,
}


@shared_task(**SEND_OPTIONS)
def send_invitation(invitation_id: int) -> str:
    """One invitation. Kept for a manager's resend, and for messages queued
    before invitations were sent in groups."""
    return sending.send_invitation(invitation_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_invitations(invitation_ids: list[int]) -> dict:
    """A group of invitations over one mail connection: one broker message and
    one durable commit for the group instead of one per email. Those a mail
    server turned away for now go back to pending and are queued again,
    together, after a growing pause; the others are not touched again."""
    outcome = sending.send_invitations(invitation_ids)
    if outcome.retry:
        pause = get_exponential_backoff_interval(
            factor=RETRY_BACKOFF, retries=outcome.retry_attempts - 1, maximum=RETRY_BACKOFF_MAX, full_jitter=True
        )
        send_invitations.apply_async((outcome.retry,), countdown=pause)
    queue_in_groups(outcome.released)
    return {name: len(getattr(outcome, name)) for name in ("sent", "retry", "failed", "released")}


def queue_in_groups(invitation_ids: list[int]) -> None:
    """Ids only, never addresses or tokens, a claim group per task."""
    for start in range(0, len(invitation_ids), sending.CLAIM_SIZE):
        send_invitations.delay(invitation_ids[start : start + sending.CLAIM_SIZE])


@shared_task(**SEND_OPTIONS)
def send_reminder(invitation_id: int, number: int) -> str:
    return sending.send_reminder(invitation_id, number)


@shared_task
def dispatch_round(round_id: int) -> int:
    """Queues the round's pending invitations, a group per send task."""
    ids = list(
        Invitation.objects.filter(round_id=round_id, state="pending").order_by("pk").values_list("pk", flat=True)
    )
    queue_in_groups(ids)
    return len(ids)


@shared_task
def open_due_rounds() -> int:
    opened = rounds.open_due_rounds()
    for survey_round in opened:
        dispatch_round.delay(survey_round.pk)
    return len(opened)


@shared_task
def close_due_rounds() -> int:
    return rounds.close_due_rounds()


@shared_task
def settle_answers() -> dict:
    """Marks invitations answered in batches, and clears the used-link
    markers of rounds that have closed (services/spent_links.py)."""
    marked = spent_links.mark_answered()
    return {"marked": marked, "cleared": spent_links.clear_closed_rounds()}


@shared_task
def send_due_reminders() -> int:
    due = sending.reminders_due()
    for invitation in due:
        send_reminder.delay(invitation.pk, invitation.reminders_sent + 1)
    return len(due)


@shared_task
def sweep_sending() -> dict:
    result = sending.sweep()
    queue_in_groups(result["requeue"])
    return {"unknown": result["unknown"], "requeued": len(result["requeue"])}
