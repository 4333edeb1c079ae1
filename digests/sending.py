"""Sending digest emails: a daily one to each relationship lead (overdue
follow-ups, partners past their keep-in-touch cadence, what partners changed
in the portal; nothing when there is nothing to say; partners.follow_ups) and a monthly one to leadership with
the headline figures (reporting.monthly).

A Digest row per person and period (the unique constraint makes a doubled
beat tick harmless) goes out through core.outbox, the path survey
invitations take: claimed before it leaves, marked sent after the mail
server took it; a worker that dies mid-send leaves `sending`, which the
sweeper turns into `unknown`. Nothing is sent twice."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from core import outbox
from core.outbox import QUEUE_GRACE, Letter, due, not_queued_since_due
from core.roles import LEADERSHIP
from partners.follow_ups import follow_up_content, people_with_follow_ups
from reporting.monthly import leadership_content

from .models import Digest, DigestKind, DigestState

# Digests go out from this local hour on; the hourly tick sends each once.
SEND_FROM_HOUR = 7
# Digests claimed and sent together by one task.
GROUP_SIZE = 20


def queue_digests(kind: str, period: date) -> list[int]:
    """Creates the period's Digest rows (once: the unique constraint) and
    returns the ids still pending, to send."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if kind == DigestKind.FOLLOW_UP:
        users = users.filter(pk__in=people_with_follow_ups())
    else:
        users = users.filter(groups__name=LEADERSHIP)
    for user_id in users.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                Digest.objects.get_or_create(kind=kind, user_id=user_id, period=period)
        except IntegrityError:
            pass  # another tick created it at the same moment
    return list(Digest.objects.filter(kind=kind, period=period, state=DigestState.PENDING).values_list("pk", flat=True))


class Digests:
    """Digest rows, as core.outbox sends them."""

    name = "digests"

    def claim(self, ids: list[int]) -> list[Letter]:
        """Claims the pending digests among `ids`, in one transaction
        committed before anything is sent; rows another worker holds are
        skipped. A follow-up digest with nothing to say is marked skipped."""
        with transaction.atomic():
            rows = list(
                Digest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(pk__in=ids, state=DigestState.PENDING)
                .filter(due(timezone.now()))
                .order_by("pk")
            )
            Digest.objects.filter(pk__in=[row.pk for row in rows]).update(
                state=DigestState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
            )
        letters = []
        with outbox.given_back_on_error(self.give_back, [row.pk for row in rows]):
            for digest in rows:
                context = _content(digest)
                if context is None:
                    self._finish([digest.pk], DigestState.SKIPPED)
                else:
                    letter = Letter(digest.pk, _email(digest, context), digest.attempts + 1, digest.failing_since)
                    letters.append(letter)
        return letters

    def _finish(self, ids: list[int], state: str, **fields) -> None:
        Digest.objects.filter(pk__in=ids, state=DigestState.SENDING).update(state=state, **fields)

    def mark_sent(self, ids: list[int]) -> None:
        self._finish(ids, DigestState.SENT, sent_at=timezone.now(), last_error="", failing_since=None, next_try_at=None)

    def mark_waiting(self, ids: list[int], reason: str, next_try_at: datetime, failing_since: datetime) -> None:
        self._finish(ids, DigestState.PENDING, last_error=reason, next_try_at=next_try_at, failing_since=failing_since)

    def mark_failed(self, pk: int, reason: str) -> None:
        self._finish([pk], DigestState.FAILED, last_error=reason, next_try_at=None)

    def mark_unknown(self, pk: int, reason: str) -> None:
        self._finish([pk], DigestState.UNKNOWN, last_error=reason, next_try_at=None)

    def wake_waiting(self) -> None:
        now = timezone.now()
        Digest.objects.filter(state=DigestState.PENDING, next_try_at__gt=now).update(next_try_at=now)

    def give_back(self, ids: list[int], next_try_at: datetime | None = None) -> None:
        self._finish(ids, DigestState.PENDING, attempts=F("attempts") - 1, next_try_at=next_try_at)


DIGESTS = Digests()


def _content(digest: Digest) -> dict | None:
    """What the digest says, or None when a follow-up digest has nothing to say."""
    if digest.kind == DigestKind.FOLLOW_UP:
        context = follow_up_content(digest.user, digest.period)
        if not any(context[key] for key in ("follow_ups", "overdue_partners", "needs_attention", "portal_changes")):
            return None
    else:
        context = leadership_content(digest.period)
    return context | {"user": digest.user, "site_url": settings.SITE_URL}


def _email(digest: Digest, context: dict) -> EmailMultiAlternatives:
    kind = digest.kind
    subject = render_to_string(f"digests/email/{kind}_digest_subject.txt", context).strip()
    text = render_to_string(f"digests/email/{kind}_digest.txt", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [digest.user.email])
    message.attach_alternative(render_to_string(f"digests/email/{kind}_digest.html", context), "text/html")
    return message


def sweep_digests(now: datetime | None = None) -> dict:
    """Marks digests whose worker died as unknown, and returns the ids of
    digests to queue: those whose next try has come and that nobody picked
    up since (digests never tried are queued by the hourly tick)."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.SEND_LEASE_SECONDS)
    unknown = Digest.objects.filter(state=DigestState.SENDING, claimed_at__lt=expired).update(
        state=DigestState.UNKNOWN, last_error="Worker stopped while sending"
    )
    retry = list(
        Digest.objects.filter(state=DigestState.PENDING, next_try_at__lte=now)
        .filter(not_queued_since_due(now - QUEUE_GRACE))
        .values_list("pk", flat=True)
    )
    Digest.objects.filter(pk__in=retry, state=DigestState.PENDING).update(claimed_at=now)
    return {"unknown": unknown, "requeue": retry}


def resend(digest_ids: list[int]) -> list[int]:
    """An administrator chose to send again digests whose outcome was unknown
    (cut off by a stopped worker) or that failed: waiting again, with fresh
    attempts. Returns their ids, to queue."""
    rows = Digest.objects.filter(pk__in=digest_ids, state__in=[DigestState.UNKNOWN, DigestState.FAILED])
    ids = list(rows.values_list("pk", flat=True))
    Digest.objects.filter(pk__in=ids).update(
        state=DigestState.PENDING,
        attempts=0,
        claimed_at=timezone.now(),  # queued now; by the sweeper if that fails
        last_error="",
        failing_since=None,
        next_try_at=None,
    )
    return ids


def mark_arrived(digest_ids: list[int]) -> int:
    """An administrator checked that the unknown digests did arrive."""
    return Digest.objects.filter(pk__in=digest_ids, state=DigestState.UNKNOWN).update(
        state=DigestState.SENT, sent_at=F("claimed_at")
    )
