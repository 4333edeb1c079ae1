"""Only an interaction in which someone was in touch with the partner
resets its keep-in-touch clock: a referral we made for them does not
(partners.choices.IN_TOUCH_KINDS, read by every page, digest and figure
through OrganizationQuerySet.with_contact_figures)."""

import datetime

import pytest

from partners.choices import IN_TOUCH_KINDS, InteractionKind, Stage
from partners.follow_ups import follow_up_content
from partners.models import Organization
from tests.factories import InteractionFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def quiet_partner():
    lead = UserFactory(email="lead@example.org")
    partner = OrganizationFactory(
        name="Harbor Light", stage=Stage.COLLABORATING, keep_in_touch_days=30, relationship_lead=lead
    )
    InteractionFactory(organization=partner, kind=InteractionKind.CALL, happened_on=days_ago(45))
    return partner


def figures(partner) -> Organization:
    return Organization.objects.with_contact_figures(TODAY).get(pk=partner.pk)


def test_a_referral_does_not_reset_the_clock(quiet_partner):
    InteractionFactory(organization=quiet_partner, kind=InteractionKind.REFERRAL, happened_on=days_ago(2))

    partner = figures(quiet_partner)

    assert partner.last_contact == days_ago(45)
    assert partner.is_overdue
    assert follow_up_content(quiet_partner.relationship_lead, TODAY)["overdue_partners"] == [quiet_partner]


@pytest.mark.parametrize("kind", IN_TOUCH_KINDS)
def test_being_in_touch_resets_it(quiet_partner, kind):
    InteractionFactory(organization=quiet_partner, kind=kind, happened_on=days_ago(2))

    partner = figures(quiet_partner)

    assert partner.last_contact == days_ago(2)
    assert not partner.is_overdue


def test_every_kind_but_a_referral_is_being_in_touch():
    assert set(InteractionKind) - set(IN_TOUCH_KINDS) == {InteractionKind.REFERRAL}
