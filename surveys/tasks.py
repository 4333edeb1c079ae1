"""Thin Celery tasks: ids in, a service call, nothing else. The periodic ones
are declared in crm/celery.py."""

from celery import shared_task

from .models import Invitation
from .services import rounds, sending
from .services.sending import TransientSendError

# A send survives its worker dying (acks_late, reject on worker lost) and
# retries a mail server that is briefly down, with growing pauses.
SEND_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (TransientSendError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": sending.MAX_ATTEMPTS,
}


@shared_task(**SEND_OPTIONS)
def send_invitation(invitation_id: int) -> str:
    return sending.send_invitation(invitation_id)


@shared_task(**SEND_OPTIONS)
def send_reminder(invitation_id: int, number: int) -> str:
    return sending.send_reminder(invitation_id, number)


@shared_task
def dispatch_round(round_id: int) -> int:
    """Queues one send task per pending invitation of the round."""
    ids = list(Invitation.objects.filter(round_id=round_id, state="pending").values_list("pk", flat=True))
    for invitation_id in ids:
        send_invitation.delay(invitation_id)
    return len(ids)


@shared_task
def open_due_rounds() -> int:
    return len(rounds.open_due_rounds())


@shared_task
def close_due_rounds() -> int:
    return rounds.close_due_rounds()


@shared_task
def send_due_reminders() -> int:
    due = sending.reminders_due()
    for invitation in due:
        send_reminder.delay(invitation.pk, invitation.reminders_sent + 1)
    return len(due)


@shared_task
def sweep_sending() -> dict:
    result = sending.sweep()
    for invitation_id in result["requeue"]:
        send_invitation.delay(invitation_id)
    return {"unknown": result["unknown"], "requeued": len(result["requeue"])}
