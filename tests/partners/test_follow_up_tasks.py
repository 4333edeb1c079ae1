"""Follow-ups as tasks: each has a day, a few words and someone to do it
(the lead unless given to someone else); done, snooze and reassign from My
work in one click each, without JavaScript; logging an interaction offers
to close the partner's open follow-ups; and a private, revocable calendar
feed that never names a partner."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import PROGRAM_MANAGERS
from partners.models import FollowUpFeed, Interaction
from tests.factories import InteractionFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def colleague():
    return UserFactory(username="colleague", first_name="Sam", last_name="Rivera", groups=[PROGRAM_MANAGERS])


@pytest.fixture
def due(program_manager):
    partner = OrganizationFactory(name="Harbor Light", relationship_lead=program_manager)
    return InteractionFactory(
        organization=partner,
        happened_on=days(-10),
        follow_up_on=days(-1),
        follow_up_note="Send the hall booking form",
        summary="Talked about the winter drop-in.",
        confidential_notes="CANARY-followup never at home",
    )


def url(name: str, *args) -> str:
    return reverse(f"partners:{name}", args=args)


def test_a_follow_up_is_the_lead_s_or_whoever_logged_it(program_manager, colleague):
    led = InteractionFactory(organization=OrganizationFactory(relationship_lead=colleague), follow_up_on=days(3))
    unled = InteractionFactory(organization=OrganizationFactory(relationship_lead=None), logged_by=program_manager)
    unled.follow_up_on = days(3)
    unled.save()

    assert led.follow_up_assignee == colleague
    assert Interaction.objects.get(pk=unled.pk).follow_up_assignee == program_manager


def test_my_work_shows_the_note_and_three_one_click_actions(manager_client, due):
    html = manager_client.get("/").content.decode()

    assert "Send the hall booking form" in html
    for action in (url("follow_up_done", due.pk), url("follow_up_snooze", due.pk), url("follow_up_reassign", due.pk)):
        assert action in html
    assert "CANARY" not in html


def test_done_in_one_click_with_its_history(manager_client, due):
    answer = manager_client.post(url("follow_up_done", due.pk))

    assert answer.status_code == 302 and answer["Location"] == "/"
    due.refresh_from_db()
    assert due.follow_up_done
    assert due.history.first().follow_up_done and due.history.count() == 2
    assert "Send the hall booking form" not in manager_client.get("/").content.decode()
    # Done already: nothing left to do there.
    assert manager_client.post(url("follow_up_done", due.pk)).status_code == 404


def test_snooze_moves_it_a_week_from_today_when_overdue(manager_client, due):
    manager_client.post(url("follow_up_snooze", due.pk), {"days": "7"})

    due.refresh_from_db()
    assert due.follow_up_on == days(7)
    assert "Send the hall booking form" not in manager_client.get("/").content.decode()


def test_snooze_refuses_a_silly_number_and_changes_nothing(manager_client, due):
    answer = manager_client.post(url("follow_up_snooze", due.pk), {"days": "4000"})

    assert answer.status_code == 400
    assert "Snooze for 1 to 90 days." in [str(m) for m in get_messages(answer.wsgi_request)]
    due.refresh_from_db()
    assert due.follow_up_on == days(-1)


def test_reassign_gives_it_to_a_colleague(manager_client, due, colleague):
    assert manager_client.get(url("follow_up_reassign", due.pk)).status_code == 200

    answer = manager_client.post(url("follow_up_reassign", due.pk), {"assignee": colleague.pk})

    assert answer.status_code == 302
    due.refresh_from_db()
    assert due.follow_up_assignee == colleague
    assert "Send the hall booking form" not in manager_client.get("/").content.decode()
    sam = Client()
    sam.force_login(colleague)
    assert "Send the hall booking form" in sam.get("/").content.decode()


def test_reassign_refuses_someone_who_is_not_staff(manager_client, due, program_manager):
    answer = manager_client.post(url("follow_up_reassign", due.pk), {"assignee": UserFactory().pk})

    assert answer.status_code == 400
    due.refresh_from_db()
    assert due.follow_up_assignee == program_manager


def test_leadership_may_not_change_follow_ups(leader_client, due):
    for name in ("follow_up_done", "follow_up_snooze", "follow_up_reassign"):
        assert leader_client.post(url(name, due.pk)).status_code == 403


def test_logging_an_interaction_offers_to_close_the_partner_s_open_follow_ups(manager_client, due):
    elsewhere = InteractionFactory(follow_up_on=days(2))
    form = manager_client.get(url("interaction_create", due.organization.pk)).content.decode()
    assert "Send the hall booking form" in form
    assert f'name="close_follow_ups" value="{due.pk}"' in form
    assert f'name="close_follow_ups" value="{elsewhere.pk}"' not in form

    manager_client.post(
        url("interaction_create", due.organization.pk),
        {"kind": "call", "happened_on": TODAY.isoformat(), "summary": "Sent the form.", "close_follow_ups": [due.pk]},
    )

    due.refresh_from_db()
    assert due.follow_up_done
    assert Interaction.objects.filter(summary="Sent the form.").exists()


def test_a_note_needs_a_day(manager_client, due):
    answer = manager_client.post(
        url("interaction_create", due.organization.pk),
        {"kind": "call", "happened_on": TODAY.isoformat(), "summary": "x", "follow_up_note": "Call back"},
    )

    assert answer.status_code == 400
    assert "Give the follow-up a day." in answer.content.decode()


class TestCalendarFeed:
    def make_address(self, client) -> str:
        page = client.post(url("calendar_feed"), {"action": "make"}).content.decode()
        start = page.index("http://testserver/partners/follow-ups/calendar/")
        return page[start : page.index('"', start)].removeprefix("http://testserver")

    def test_the_feed_holds_my_follow_ups_and_never_a_name_or_a_note(self, manager_client, due):
        address = self.make_address(manager_client)

        feed = Client().get(address)  # a calendar app: no sign-in

        assert feed.status_code == 200
        assert feed["Content-Type"].startswith("text/calendar")
        body = feed.content.decode()
        assert "BEGIN:VEVENT" in body and f"DTSTART;VALUE=DATE:{due.follow_up_on:%Y%m%d}" in body
        assert f"http://testserver{due.get_absolute_url()}" in body
        for private in ("Harbor Light", "hall booking", "winter drop-in", "CANARY"):
            assert private not in body

    def test_the_address_is_shown_once_and_only_its_hash_kept(self, manager_client, program_manager):
        address = self.make_address(manager_client)
        token = address.rsplit("/", 1)[1].removesuffix(".ics")

        assert token not in manager_client.get(url("calendar_feed")).content.decode()
        assert FollowUpFeed.objects.get(user=program_manager).token_hash != token

    def test_revoked_or_replaced_addresses_stop_working(self, manager_client):
        first = self.make_address(manager_client)
        second = self.make_address(manager_client)
        assert Client().get(first).status_code == 404
        assert Client().get(second).status_code == 200

        manager_client.post(url("calendar_feed"), {"action": "revoke"})

        assert Client().get(second).status_code == 404
        assert Client().get(url("follow_up_calendar", "x" * 43)).status_code == 404

    def test_the_feed_costs_the_same_queries_with_more_follow_ups(self, manager_client, due, program_manager):
        address = self.make_address(manager_client)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert Client().get(address).status_code == 200
            return len(captured)

        few = queries()
        for n in range(10):
            InteractionFactory(organization=due.organization, follow_up_on=days(n))
        assert queries() == few
