"""InteractionQuerySet: follow-ups due and "my" interactions."""

import datetime

import pytest
import time_machine

from partners.models import Interaction
from tests.factories import InteractionFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 1)


def d(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def follow_up(on: str | None, done: bool = False, **kwargs) -> Interaction:
    return InteractionFactory(
        happened_on=d("2024-01-01"), follow_up_on=d(on) if on else None, follow_up_done=done, **kwargs
    )


class TestFollowUpsDue:
    def test_due_today_or_earlier_and_not_done(self):
        overdue = follow_up("2024-02-01")
        today = follow_up("2024-03-01")
        follow_up("2024-03-02")  # tomorrow
        follow_up("2024-02-01", done=True)
        follow_up(None)
        follow_up(None, done=True)

        assert set(Interaction.objects.follow_ups_due(today=TODAY)) == {overdue, today}

    def test_today_defaults_to_the_local_date(self):
        due_on_the_first = follow_up("2024-03-01")

        with time_machine.travel(datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC), tick=False):
            assert not Interaction.objects.follow_ups_due().exists()
        with time_machine.travel(datetime.datetime(2024, 3, 1, 0, 30, tzinfo=datetime.UTC), tick=False):
            assert list(Interaction.objects.follow_ups_due()) == [due_on_the_first]


class TestForUser:
    def test_a_follow_up_is_the_lead_s_unless_given_to_someone(self):
        me, colleague = UserFactory(), UserFactory()
        my_partner = OrganizationFactory(relationship_lead=me)
        their_partner = OrganizationFactory(relationship_lead=colleague)
        unled_partner = OrganizationFactory(relationship_lead=None)
        due = datetime.date(2024, 2, 1)

        on_my_partner_by_them = InteractionFactory(organization=my_partner, logged_by=colleague, follow_up_on=due)
        unled_by_me = InteractionFactory(organization=unled_partner, logged_by=me, follow_up_on=due)
        given_to_me = InteractionFactory(
            organization=their_partner, logged_by=colleague, follow_up_on=due, follow_up_assignee=me
        )
        InteractionFactory(organization=their_partner, logged_by=me, follow_up_on=due)  # the lead's
        InteractionFactory(organization=my_partner, logged_by=me)  # no follow-up
        InteractionFactory(organization=unled_partner, logged_by=None, follow_up_on=due)  # nobody's

        assert set(Interaction.objects.for_user(me)) == {on_my_partner_by_them, unled_by_me, given_to_me}

    def test_someone_with_nothing_sees_nothing(self):
        InteractionFactory(logged_by=UserFactory(), organization=OrganizationFactory(relationship_lead=UserFactory()))

        assert not Interaction.objects.for_user(UserFactory()).exists()

    def test_combines_with_follow_ups_due(self):
        me = UserFactory()
        mine_due = follow_up("2024-02-01", follow_up_assignee=me)
        follow_up("2024-04-01", follow_up_assignee=me)
        follow_up("2024-02-01", follow_up_assignee=UserFactory())

        assert list(Interaction.objects.for_user(me).follow_ups_due(today=TODAY)) == [mine_due]
