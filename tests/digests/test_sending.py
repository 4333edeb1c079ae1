"""The daily follow-up digest and the monthly leadership digest: each goes out
once per person and period, only when there is something to say, and never
carries confidential notes."""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import outbox
from digests import sending as digests
from digests import tasks
from digests.models import Digest, DigestKind, DigestState
from tests.factories import InteractionFactory, OrganizationFactory, SupportDeliveryFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)
NOTE = "Canary note: back entrance only"


@pytest.fixture
def lead():
    return UserFactory(username="lead", first_name="Dana", email="dana@example.org", groups=["Program managers"])


def _overdue_follow_up(lead):
    partner = OrganizationFactory(name="Harbor Light", relationship_lead=lead)
    return InteractionFactory(
        organization=partner,
        logged_by=lead,
        happened_on=TODAY - datetime.timedelta(days=3),
        follow_up_on=TODAY - datetime.timedelta(days=1),
        confidential_notes=NOTE,
    )


def send_digest(digest_id: int) -> str:
    """One digest through the outbox, as the task sends it: what happened to it."""
    outcome = outbox.deliver(digests.DIGESTS, [digest_id])
    names = ("sent", "failed", "unknown", "waiting")
    done = next((name for name in names if digest_id in getattr(outcome, name)), None)
    if done is None and Digest.objects.filter(pk=digest_id, state=DigestState.SKIPPED).exists():
        return "nothing to say"
    return done or "nothing to do"


def _send_all(kind, period):
    return [send_digest(pk) for pk in digests.queue_digests(kind, period)]


def test_a_lead_with_an_overdue_follow_up_gets_one_digest(lead):
    _overdue_follow_up(lead)
    assert _send_all(DigestKind.FOLLOW_UP, TODAY) == ["sent"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert "Harbor Light" in message.body
    html = message.alternatives[0][0]
    assert "Harbor Light" in html
    assert NOTE not in message.body and NOTE not in html and NOTE not in message.subject


def test_running_the_day_twice_sends_nothing_more(lead):
    _overdue_follow_up(lead)
    _send_all(DigestKind.FOLLOW_UP, TODAY)
    assert _send_all(DigestKind.FOLLOW_UP, TODAY) == []
    assert len(mail.outbox) == 1
    assert Digest.objects.count() == 1


def test_sending_one_digest_twice_sends_one_email(lead):
    _overdue_follow_up(lead)
    [digest_id] = digests.queue_digests(DigestKind.FOLLOW_UP, TODAY)
    assert send_digest(digest_id) == "sent"
    assert send_digest(digest_id) == "nothing to do"
    assert len(mail.outbox) == 1


def test_nothing_to_say_sends_nothing(lead):
    partner = OrganizationFactory(relationship_lead=lead, keep_in_touch_days=30)
    InteractionFactory(organization=partner, logged_by=lead, happened_on=TODAY)
    assert _send_all(DigestKind.FOLLOW_UP, TODAY) == ["nothing to say"]
    assert mail.outbox == []
    assert Digest.objects.get().state == DigestState.SKIPPED


def test_partners_past_cadence_are_listed(lead):
    partner = OrganizationFactory(name="Quiet Partner", relationship_lead=lead, keep_in_touch_days=14)
    InteractionFactory(organization=partner, happened_on=TODAY - datetime.timedelta(days=40))
    _send_all(DigestKind.FOLLOW_UP, TODAY)
    assert "Quiet Partner: last contact 40 days ago (aim: every 14 days)" in mail.outbox[0].body
    assert mail.outbox[0].subject.endswith("0 due, 1 partner needing attention")


def test_users_without_email_are_not_queued(lead):
    lead.email = ""
    lead.save()
    _overdue_follow_up(lead)
    assert digests.queue_digests(DigestKind.FOLLOW_UP, TODAY) == []


def test_a_transient_error_returns_the_digest_for_a_retry(lead):
    _overdue_follow_up(lead)
    [digest_id] = digests.queue_digests(DigestKind.FOLLOW_UP, TODAY)
    # A server's message can quote the address: it must not be kept.
    error = smtplib.SMTPServerDisconnected("Connection lost while sending to dana@example.org")
    with mock.patch("digests.sending.EmailMultiAlternatives.send", side_effect=error):
        assert send_digest(digest_id) == "waiting"
    digest = Digest.objects.get()
    assert digest.state == DigestState.PENDING
    assert "SMTPServerDisconnected" in digest.last_error
    assert "dana@example.org" not in digest.last_error
    assert digests.sweep_digests()["requeue"] == []  # not before its next try
    with time_machine.travel(digest.next_try_at, tick=False):
        assert digests.sweep_digests()["requeue"] == [digest_id]
        assert send_digest(digest_id) == "sent"
    assert len(mail.outbox) == 1


def test_a_permanent_error_fails_the_digest(lead):
    _overdue_follow_up(lead)
    [digest_id] = digests.queue_digests(DigestKind.FOLLOW_UP, TODAY)
    refused = smtplib.SMTPRecipientsRefused({"dana@example.org": (550, b"no such user")})
    with mock.patch("digests.sending.EmailMultiAlternatives.send", side_effect=refused):
        assert send_digest(digest_id) == "failed"
    assert Digest.objects.get().state == DigestState.FAILED


def test_a_digest_left_sending_by_a_dead_worker_becomes_unknown(lead, settings):
    _overdue_follow_up(lead)
    [digest_id] = digests.queue_digests(DigestKind.FOLLOW_UP, TODAY)
    Digest.objects.filter(pk=digest_id).update(
        state=DigestState.SENDING, claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert digests.sweep_digests() == {"unknown": 1, "requeue": []}
    assert Digest.objects.get().state == DigestState.UNKNOWN
    assert send_digest(digest_id) == "nothing to do"  # sending state: a second email would be worse than none


def test_leadership_gets_the_monthly_figures_once():
    UserFactory(username="lee", email="lee@example.org", groups=["Leadership"])
    SupportDeliveryFactory(request=None, category="supplies", delivered_on=datetime.date(2026, 10, 5), money=120)
    quiet = OrganizationFactory(name="Quiet Partner", keep_in_touch_days=14)
    InteractionFactory(organization=quiet, happened_on=datetime.date(2026, 8, 3))
    OrganizationFactory(name="Just Seen", keep_in_touch_days=14)  # added today: its clock has just started
    assert _send_all(DigestKind.LEADERSHIP, datetime.date(2026, 11, 1)) == ["sent"]
    assert _send_all(DigestKind.LEADERSHIP, datetime.date(2026, 11, 1)) == []
    body = mail.outbox[0].body
    assert "October 2026" in mail.outbox[0].subject
    assert "120.00 in money" in body
    assert "1 nobody asked for" in body
    assert "Partners past their keep-in-touch time now: 1" in body
    assert "/dashboard/" in body


def test_the_hourly_tasks_wait_for_the_morning(lead, settings):
    _overdue_follow_up(lead)
    settings.TIME_ZONE = "UTC"
    with mock.patch("digests.tasks.timezone.localtime", return_value=timezone.now().replace(hour=5)):
        assert tasks.queue_follow_up_digests() == 0
    assert Digest.objects.count() == 0


def test_an_administrator_resends_a_cut_off_digest_or_marks_it_sent(
    lead, admin_client_, django_capture_on_commit_callbacks
):
    _overdue_follow_up(lead)
    [cut_off] = digests.queue_digests(DigestKind.FOLLOW_UP, TODAY)
    Digest.objects.filter(pk=cut_off).update(state=DigestState.UNKNOWN, claimed_at=timezone.now())
    checked = Digest.objects.create(
        kind=DigestKind.LEADERSHIP, user=lead, period=TODAY, state=DigestState.UNKNOWN, claimed_at=timezone.now()
    )
    changelist = reverse("admin:digests_digest_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        resent = admin_client_.post(changelist, {"action": "send_again", "_selected_action": [cut_off]}, follow=True)
    marked = admin_client_.post(changelist, {"action": "mark_arrived", "_selected_action": [checked.pk]}, follow=True)

    assert "1 digest will be sent again." in resent.content.decode()
    assert "1 digest marked as sent." in marked.content.decode()
    assert Digest.objects.get(pk=cut_off).state == DigestState.SENT  # eager: sent at once
    assert [message.to for message in mail.outbox] == [["dana@example.org"]]
    assert Digest.objects.get(pk=checked.pk).state == DigestState.SENT
