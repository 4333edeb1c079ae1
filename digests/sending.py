"""Sending digest emails: a daily one to each relationship lead (overdue
follow-ups, partners past their keep-in-touch cadence; nothing when there is
nothing to say; partners.follow_ups) and a monthly one to leadership with
the headline figures (reporting.monthly).

Sending follows the survey invitations' rule: a Digest row per person and
period, claimed with a conditional UPDATE, marked sent after the mail server
took it; a worker that dies mid-send leaves `sending`, which the sweeper
turns into `unknown`. Nothing is sent twice."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from core.mail_errors import describe, is_permanent
from core.roles import LEADERSHIP
from partners.follow_ups import follow_up_content, people_with_follow_ups
from reporting.monthly import leadership_content

from .models import Digest, DigestKind, DigestState

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Digests go out from this local hour on; the hourly tick sends each once.
SEND_FROM_HOUR = 7


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


def send_digest(digest_id: int) -> str:
    claimed = Digest.objects.filter(pk=digest_id, state=DigestState.PENDING).update(
        state=DigestState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return "nothing to do"
    digest = Digest.objects.select_related("user").get(pk=digest_id)
    if digest.kind == DigestKind.FOLLOW_UP:
        context = follow_up_content(digest.user, digest.period)
        if not context["follow_ups"] and not context["past_cadence"]:
            _finish(digest_id, DigestState.SKIPPED)
            return "nothing to say"
    else:
        context = leadership_content(digest.period)
    context.update(user=digest.user, site_url=settings.SITE_URL)
    try:
        _email(digest.kind, digest.user.email, context)
    except Exception as error:
        if not is_permanent(error) and digest.attempts < MAX_ATTEMPTS:
            _finish(digest_id, DigestState.PENDING, last_error=describe(error))
            raise
        _finish(digest_id, DigestState.FAILED, last_error=describe(error))
        return "failed"
    _finish(digest_id, DigestState.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def _finish(digest_id: int, state: str, **fields) -> None:
    Digest.objects.filter(pk=digest_id, state=DigestState.SENDING).update(state=state, **fields)


def _email(kind: str, address: str, context: dict) -> None:
    subject = render_to_string(f"digests/email/{kind}_digest_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject, render_to_string(f"digests/email/{kind}_digest.txt", context), settings.DEFAULT_FROM_EMAIL, [address]
    )
    message.attach_alternative(render_to_string(f"digests/email/{kind}_digest.html", context), "text/html")
    message.send()


def sweep_digests(now=None) -> int:
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.SEND_LEASE_SECONDS)
    return Digest.objects.filter(state=DigestState.SENDING, claimed_at__lt=expired).update(
        state=DigestState.UNKNOWN, last_error="Worker stopped while sending"
    )
