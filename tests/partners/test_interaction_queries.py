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
    def test_what_i_logged_or_what_belongs_to_a_partner_i_lead(self):
        me, colleague = UserFactory(), UserFactory()
        my_partner = OrganizationFactory(relationship_lead=me)
        their_partner = OrganizationFactory(relationship_lead=colleague)
        unled_partner = OrganizationFactory(relationship_lead=None)

        logged_by_me_elsewhere = InteractionFactory(organization=their_partner, logged_by=me)
        on_my_partner_by_them = InteractionFactory(organization=my_partner, logged_by=colleague)
        both = InteractionFactory(organization=my_partner, logged_by=me)
        nobody_logged = InteractionFactory(organization=my_partner, logged_by=None)
        InteractionFactory(organization=their_partner, logged_by=colleague)
        InteractionFactory(organization=unled_partner, logged_by=colleague)
        InteractionFactory(organization=unled_partner, logged_by=None)

        mine = list(Interaction.objects.for_user(me))

        assert len(mine) == 4  # the one matching both ways appears once
        assert set(mine) == {logged_by_me_elsewhere, on_my_partner_by_them, both, nobody_logged}

    def test_someone_with_nothing_sees_nothing(self):
        InteractionFactory(logged_by=UserFactory(), organization=OrganizationFactory(relationship_lead=UserFactory()))

        assert not Interaction.objects.for_user(UserFactory()).exists()

    def test_combines_with_follow_ups_due(self):
        me = UserFactory()
        mine_due = follow_up("2024-02-01", logged_by=me)
        follow_up("2024-04-01", logged_by=me)
        follow_up("2024-02-01", logged_by=UserFactory())

        assert list(Interaction.objects.for_user(me).follow_ups_due(today=TODAY)) == [mine_due]
