"""Opening and closing rounds on schedule: each slot once, missed slots
recorded, doubled ticks harmless, and only the right people invited."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.urls import reverse

from surveys import tasks
from surveys.choices import RoundStatus
from surveys.models import Invitation, Round, Schedule
from surveys.services import rounds
from surveys.tokens import hash_token, shared_token
from tests.factories import (
    ContactFactory,
    OrganizationFactory,
    RecipientFactory,
    RoundFactory,
    ScheduleFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def monthly():
    survey = SurveyFactory(status="active", audience="participants")
    RecipientFactory.create_batch(2, audience="participants")
    return ScheduleFactory(survey=survey, recurrence="monthly", next_run_at=at(2025, 1, 1, 9), close_after_days=21)


def test_a_due_schedule_opens_one_round_and_moves_on(monthly):
    with time_machine.travel(at(2025, 1, 1, 9, 1), tick=False):
        opened = rounds.open_due_rounds()
    (new_round,) = opened
    assert new_round.due_at == at(2025, 1, 1, 9)
    assert new_round.schedule == monthly
    assert new_round.closes_at == at(2025, 1, 22, 9, 1)
    assert new_round.invitations.count() == 2
    monthly.refresh_from_db()
    assert monthly.next_run_at == at(2025, 2, 1, 9)


def test_nothing_opens_before_the_time(monthly):
    with time_machine.travel(at(2025, 1, 1, 8, 59), tick=False):
        assert rounds.open_due_rounds() == []
    assert not Round.objects.exists()


def test_a_doubled_tick_opens_nothing_more(monthly):
    with time_machine.travel(at(2025, 1, 1, 9, 1), tick=False):
        rounds.open_due_rounds()
        assert rounds.open_due_rounds() == []
    with time_machine.travel(at(2025, 1, 15), tick=False):
        assert rounds.open_due_rounds() == []
    assert Round.objects.count() == 1
    assert Invitation.objects.count() == 2


def test_the_same_slot_cannot_be_stored_twice(monthly):
    """The database, not only the code, refuses a second round for a slot."""
    RoundFactory(survey=monthly.survey, schedule=monthly, due_at=at(2025, 1, 1, 9))
    with time_machine.travel(at(2025, 1, 1, 9, 1), tick=False):
        assert rounds.open_due_rounds() == []
    assert Round.objects.count() == 1


def test_after_three_periods_down_the_latest_slot_opens_and_earlier_ones_are_missed(monthly):
    with time_machine.travel(at(2025, 4, 5), tick=False):
        opened = rounds.open_due_rounds()
    (new_round,) = opened
    assert new_round.due_at == at(2025, 4, 1, 9)
    assert new_round.status == RoundStatus.OPEN
    assert new_round.invitations.count() == 2
    missed = Round.objects.filter(status=RoundStatus.MISSED).order_by("due_at")
    assert [r.due_at for r in missed] == [at(2025, 1, 1, 9), at(2025, 2, 1, 9), at(2025, 3, 1, 9)]
    assert not Invitation.objects.filter(round__in=missed).exists()
    monthly.refresh_from_db()
    assert monthly.next_run_at == at(2025, 5, 1, 9)
    with time_machine.travel(at(2025, 4, 5, 0, 1), tick=False):
        assert rounds.open_due_rounds() == []


def test_a_latest_slot_already_past_its_closing_is_missed_too(monthly):
    with time_machine.travel(at(2025, 4, 25), tick=False):
        assert rounds.open_due_rounds() == []
    assert Round.objects.filter(status=RoundStatus.MISSED).count() == 4
    assert not Invitation.objects.exists()
    monthly.refresh_from_db()
    assert monthly.next_run_at == at(2025, 5, 1, 9)


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_survey_that_is_not_active_does_not_open(monthly, status):
    monthly.survey.status = status
    monthly.survey.save()
    with time_machine.travel(at(2025, 1, 2), tick=False):
        assert rounds.open_due_rounds() == []
    assert not Round.objects.exists()
    assert Schedule.objects.get().next_run_at == at(2025, 1, 1, 9)


def test_a_paused_schedule_does_not_open(monthly):
    Schedule.objects.filter(pk=monthly.pk).update(active=False)
    with time_machine.travel(at(2025, 1, 2), tick=False):
        assert rounds.open_due_rounds() == []


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (at(2025, 1, 31, 9), 1, at(2025, 2, 28, 9)),
        (at(2024, 1, 31, 9), 1, at(2024, 2, 29, 9)),
        (at(2025, 3, 31), 6, at(2025, 9, 30)),
        (at(2025, 11, 15), 3, at(2026, 2, 15)),
        (at(2024, 2, 29), 12, at(2025, 2, 28)),
        (at(2025, 5, 10), 0, at(2025, 5, 10)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert rounds.add_months(start, months) == expected


def test_catching_up_through_february_keeps_the_31st(monthly):
    Schedule.objects.filter(pk=monthly.pk).update(next_run_at=at(2025, 1, 31, 9), anchor_day=31)
    with time_machine.travel(at(2025, 3, 31, 10), tick=False):
        (new_round,) = rounds.open_due_rounds()
    assert new_round.due_at == at(2025, 3, 31, 9)
    dues = sorted(Round.objects.values_list("due_at", flat=True))
    assert dues == [at(2025, 1, 31, 9), at(2025, 2, 28, 9), at(2025, 3, 31, 9)]
    assert Schedule.objects.get().next_run_at == at(2025, 4, 30, 9)


def test_close_due_rounds_closes_only_rounds_past_their_time():
    with time_machine.travel(at(2025, 6, 1), tick=False):
        ended = RoundFactory(opened_at=at(2025, 5, 1), closes_at=at(2025, 5, 31, 23))
        running = RoundFactory(opened_at=at(2025, 5, 20), closes_at=at(2025, 6, 10))
        missed = RoundFactory(closes_at=at(2025, 5, 2), status=RoundStatus.MISSED)
        assert rounds.close_due_rounds() == 1
        assert rounds.close_due_rounds() == 0
    ended.refresh_from_db(), running.refresh_from_db(), missed.refresh_from_db()
    assert (ended.status, ended.closed_at) == (RoundStatus.CLOSED, at(2025, 6, 1))
    assert running.status == RoundStatus.OPEN and running.closed_at is None
    assert missed.status == RoundStatus.MISSED


def test_only_consenting_recipients_of_the_audience_are_invited():
    survey = SurveyFactory(status="active", audience="staff")
    yes = RecipientFactory(audience="staff", language="es")
    RecipientFactory(audience="staff", consent=False)
    RecipientFactory(audience="staff", opted_out=True)
    RecipientFactory(audience="participants")
    new_round = rounds.open_round(survey)
    (invitation,) = new_round.invitations.all()
    assert invitation.recipient == yes
    assert invitation.language == "es"
    assert invitation.contact is None


def test_the_partners_audience_invites_consenting_contacts_of_current_partners():
    survey = SurveyFactory(status="active", audience="partners", anonymous=False)
    yes = ContactFactory(language="es")
    ContactFactory(consent_to_surveys=False)
    ContactFactory(opted_out=True)
    ContactFactory(email="")
    ContactFactory(organization=OrganizationFactory(stage="ended"))
    RecipientFactory(audience="participants")
    new_round = rounds.open_round(survey)
    (invitation,) = new_round.invitations.all()
    assert invitation.contact == yes
    assert invitation.recipient is None
    assert invitation.language == "es"


def test_the_shared_link_exists_for_anonymous_surveys_only():
    anonymous = rounds.open_round(SurveyFactory(status="active", anonymous=True))
    named = rounds.open_round(SurveyFactory(status="active", anonymous=False))
    assert anonymous.shared_token_hash == hash_token(shared_token(anonymous.pk))
    assert named.shared_token_hash == ""


def test_a_manual_round_uses_the_schedule_settings_but_fills_no_slot(monthly):
    Schedule.objects.filter(pk=monthly.pk).update(close_after_days=10, reminder_after_days=3, max_reminders=2)
    with time_machine.travel(at(2025, 3, 3), tick=False):
        new_round = rounds.open_round(monthly.survey)
    assert (new_round.schedule, new_round.due_at) == (None, None)
    assert new_round.closes_at == at(2025, 3, 13)
    assert (new_round.reminder_after_days, new_round.max_reminders) == (3, 2)


def test_the_beat_queues_the_sending_of_what_it_opened_by_round_id_only(monthly):
    with time_machine.travel(at(2025, 1, 1, 10), tick=False), mock.patch("surveys.tasks.dispatch_round.delay") as delay:
        assert tasks.open_due_rounds() == 1
    delay.assert_called_once_with(Round.objects.get().pk)


def test_opening_by_hand_queues_the_sending_after_commit(monthly, manager_client, django_capture_on_commit_callbacks):
    with mock.patch("surveys.tasks.dispatch_round.delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            manager_client.post(reverse("surveys:round_open", args=[monthly.survey.pk]))
            delay.assert_not_called()  # nothing queued before the commit
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(Round.objects.get().pk)


def test_a_monthly_schedule_on_the_31st_comes_back_to_the_31st_tick_by_tick(monthly):
    monthly.next_run_at = at(2025, 1, 31, 9)
    monthly.save()  # a person set it: the anchor is the 31st
    for now, expected_next in [
        (at(2025, 1, 31, 10), at(2025, 2, 28, 9)),
        (at(2025, 2, 28, 10), at(2025, 3, 31, 9)),
        (at(2025, 3, 31, 10), at(2025, 4, 30, 9)),
    ]:
        with time_machine.travel(now, tick=False):
            rounds.open_due_rounds()
            rounds.close_due_rounds(now + datetime.timedelta(days=40))
        assert Schedule.objects.get().next_run_at == expected_next


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # 09:00 in Madrid: 08:00 UTC in winter, 07:00 UTC in summer.
        (
            datetime.datetime(2026, 1, 15, 8, tzinfo=datetime.UTC),
            datetime.datetime(2026, 4, 15, 7, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(2026, 7, 15, 7, tzinfo=datetime.UTC),
            datetime.datetime(2026, 11, 15, 8, tzinfo=datetime.UTC),
        ),
    ],
)
def test_a_monthly_slot_keeps_its_local_time_across_daylight_saving(settings, start, expected):
    settings.TIME_ZONE = "Europe/Madrid"
    months = 3 if start.month == 1 else 4
    assert rounds.add_months(start, months) == expected
