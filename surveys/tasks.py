"""Thin Celery tasks: ids in, a service call, nothing else. The periodic ones
are declared in crm/celery.py. Every email goes out through core.outbox:
claimed before it leaves, recorded after, retried from one place."""

from celery import shared_task

from core import outbox

from .choices import SendState
from .models import Invitation
from .services import rounds, sending, spent_links


@shared_task(**outbox.SEND_TASK_OPTIONS)
def send_invitations(invitation_ids: list[int]) -> dict:
    """A group of invitations' first emails, over one mail connection."""
    outcome = outbox.deliver(sending.FIRST_EMAILS, invitation_ids)
    outbox.follow_up(send_invitations, outcome, sending.CLAIM_SIZE)
    return outcome.summary()


@shared_task(**outbox.SEND_TASK_OPTIONS)
def send_reminders(invitation_ids: list[int]) -> dict:
    """A group of invitations' next reminders, over one mail connection."""
    outcome = outbox.deliver(sending.REMINDERS, invitation_ids)
    outbox.follow_up(send_reminders, outcome, sending.CLAIM_SIZE)
    return outcome.summary()


def queue_in_groups(task, invitation_ids: list[int]) -> None:
    """Ids only, never addresses or tokens, a group per task."""
    for group in outbox.in_groups(invitation_ids, sending.CLAIM_SIZE):
        task.delay(group)


@shared_task
def dispatch_round(round_id: int) -> int:
    """Queues the round's waiting invitations, a group per send task."""
    ids = list(
        Invitation.objects.filter(round_id=round_id, state=SendState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queue_in_groups(send_invitations, ids)
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
    queue_in_groups(send_reminders, due)
    return len(due)


@shared_task
def sweep_sending() -> dict:
    result = sending.sweep()
    queue_in_groups(send_invitations, result["requeue"])
    return {"unknown": result["unknown"], "requeued": len(result["requeue"])}
