"""Single-use links that a database reader cannot tie to the answers.

When someone answers, one transaction writes the response, its answers and
a SpentLink whose marker is a keyed hash of the invitation's id; it touches
no invitation row. So the response shares its transaction id with no
invitation, and a marker means nothing without the app's secret key.

The marker's primary key makes the link single-use at once: a second
response for the same invitation collides with it and is refused. Markers
are kept until the round has closed and settled, then deleted together.

Invitations are marked answered (for reminders and for the admin) by a
periodic task: only when at least k of a round's markers are waiting, all of
them together, one row at a time in a random order, in a transaction that
writes no response. Within such a batch, nothing (transaction id, row
order on disk, id order) says which invitation gave which response. Fewer
than k left when the round closes are never marked: a batch of one would
name its person. A reminder may therefore reach someone who answered since
the last batch; reminders say so (docs/privacy.md)."""

import logging
import random
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..models import Card, Invitation, Round, SpentLink

log = logging.getLogger(__name__)
SALT = "surveys.spent-link"
_shuffle = random.SystemRandom().shuffle


def marker(invitation_id: int, secret: str | None = None) -> str:
    return salted_hmac(SALT, str(invitation_id), secret=secret, algorithm="sha256").hexdigest()


def card_marker(card_id: int) -> str:
    """A card's marker (services/cards.py): its own name space, so that no
    card and invitation share one."""
    return salted_hmac(SALT, f"card:{card_id}", algorithm="sha256").hexdigest()


def markers(invitation_id: int) -> list[str]:
    """The invitation's marker under the current key and every fallback key,
    so that rotating SECRET_KEY during a round cannot reopen a used link."""
    return [marker(invitation_id, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def is_spent(invitation: Invitation) -> bool:
    """Whether the link was used: marked answered, or a marker waits. One query
    (none when already marked)."""
    return invitation.responded or SpentLink.objects.filter(marker__in=markers(invitation.pk)).exists()


class LinkAlreadyUsed(Exception):
    pass


def card_is_spent(card: Card) -> bool:
    return SpentLink.objects.filter(marker=card_marker(card.pk)).exists()


def spend_card(card: Card) -> SpentLink:
    """As spend(), for a card: an IntegrityError when it was used."""
    return SpentLink.objects.create(marker=card_marker(card.pk), round_id=card.round_id)


def spend(invitation: Invitation) -> SpentLink:
    """Writes the marker. Call inside the response's transaction: on a used
    link it raises IntegrityError (the caller turns it into LinkAlreadyUsed),
    or LinkAlreadyUsed when the link was used under an earlier key."""
    earlier = markers(invitation.pk)[1:]
    if earlier and SpentLink.objects.filter(marker__in=earlier).exists():
        raise LinkAlreadyUsed
    return SpentLink.objects.create(marker=marker(invitation.pk), round_id=invitation.round_id)


def _answered_waiting(round_id: int) -> list[int]:
    """The round's invitations with a marker that are not marked answered yet."""
    spent = set(SpentLink.objects.filter(round_id=round_id).values_list("marker", flat=True))
    waiting = Invitation.objects.filter(round_id=round_id, responded=False).values_list("pk", flat=True)
    return [pk for pk in waiting.iterator() if not spent.isdisjoint(markers(pk))]


def mark_answered() -> int:
    """Marks answered the invitations of every round with at least k waiting
    markers, a round at a time. Returns how many were marked."""
    marked = 0
    for round_id in list(SpentLink.objects.order_by().values_list("round_id", flat=True).distinct()):
        marked += _mark_round(round_id)
    if marked:
        log.info("Marked %s invitations answered", marked)
    return marked


@transaction.atomic
def _mark_round(round_id: int) -> int:
    # The round's row lock makes two runs at once take turns, so that no
    # invitation is marked in two batches (a second, overlapping batch
    # would single out what the first did not hold).
    list(Round.objects.select_for_update().filter(pk=round_id).values_list("pk"))
    answered = _answered_waiting(round_id)
    if len(answered) < settings.SURVEY_MIN_RESPONSES:
        return 0
    _shuffle(answered)
    # One statement per row, in a random order: an UPDATE of a list would
    # write the rows in index order.
    for invitation_id in answered:
        Invitation.objects.filter(pk=invitation_id).update(responded=True)
    return len(answered)


def clear_closed_rounds(now: datetime | None = None) -> int:
    """Deletes the markers of rounds closed a while ago: their links are dead
    whatever happens (Round.objects.settled). Mark a last batch first
    (mark_answered). Returns how many markers were deleted."""
    now = now or timezone.now()
    deleted, _ = SpentLink.objects.filter(round__in=Round.objects.settled(now).values("pk")).delete()
    return deleted
