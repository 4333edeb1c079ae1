"""OrganizationQuerySet: last contact, keep-in-touch cadence and support totals,
checked against small hand-computed data."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings

from partners.choices import RequestStatus, Stage
from partners.models import Organization
from tests.factories import (
    InteractionFactory,
    OrganizationFactory,
    SupportDeliveryFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

# 2024 is a leap year: 31 Jan to 1 Mar is 30 days (29 in February, plus one).
TODAY = datetime.date(2024, 3, 1)
CLOCK_STAGES = [Stage.FIRST_CONTACT, Stage.BUILDING_TRUST, Stage.COLLABORATING, Stage.FORMAL_PARTNERSHIP]
NO_CLOCK_STAGES = [Stage.IDENTIFIED, Stage.PAUSED, Stage.ENDED]


def d(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def added_on(day: str, **kwargs) -> Organization:
    """A partner added to the CRM at noon (UTC) on `day`."""
    with time_machine.travel(datetime.datetime.fromisoformat(f"{day}T12:00:00+00:00"), tick=False):
        return OrganizationFactory(**kwargs)


def figures(organization: Organization, today: datetime.date = TODAY) -> Organization:
    return Organization.objects.with_contact_figures(today=today).get(pk=organization.pk)


class TestContactFigures:
    def test_last_contact_is_the_latest_interaction(self):
        organization = added_on("2023-06-01")
        for day in ("2024-01-05", "2024-02-10", "2023-12-24"):
            InteractionFactory(organization=organization, happened_on=d(day))
        InteractionFactory(happened_on=d("2024-02-29"))  # another partner's

        row = figures(organization)

        assert row.last_contact == d("2024-02-10")
        assert row.days_since_contact == 20

    def test_never_contacted_has_no_last_contact(self):
        row = figures(added_on("2024-02-20"))

        assert row.last_contact is None
        assert row.days_since_contact is None
        assert row.is_overdue is False

    def test_exactly_at_cadence_is_not_past_it(self):
        organization = added_on("2023-06-01", keep_in_touch_days=30)
        InteractionFactory(organization=organization, happened_on=d("2024-01-31"))

        row = figures(organization)

        assert row.days_since_contact == 30
        assert row.is_overdue is False

    def test_one_day_over_cadence_is_past_it(self):
        organization = added_on("2023-06-01", keep_in_touch_days=30)
        InteractionFactory(organization=organization, happened_on=d("2024-01-30"))

        row = figures(organization)

        assert row.days_since_contact == 31
        assert row.is_overdue is True

    def test_each_partner_has_its_own_cadence(self):
        weekly = added_on("2023-06-01", keep_in_touch_days=7)
        InteractionFactory(organization=weekly, happened_on=d("2024-02-22"))  # 8 days ago
        quarterly = added_on("2023-06-01", keep_in_touch_days=90)
        InteractionFactory(organization=quarterly, happened_on=d("2024-01-01"))  # 60 days ago

        assert figures(weekly).is_overdue is True
        assert figures(quarterly).is_overdue is False

    def test_never_contacted_counts_the_clock_from_when_it_was_added(self):
        at_cadence = added_on("2024-01-31", keep_in_touch_days=30)
        one_day_over = added_on("2024-01-30", keep_in_touch_days=30)

        assert figures(at_cadence).is_overdue is False
        assert figures(one_day_over).is_overdue is True
        assert figures(one_day_over).days_since_contact is None

    def test_an_old_partner_with_a_recent_contact_is_not_past_cadence(self):
        organization = added_on("2020-01-01", keep_in_touch_days=30)
        InteractionFactory(organization=organization, happened_on=d("2024-02-15"))

        assert figures(organization).is_overdue is False

    @pytest.mark.parametrize("stage", NO_CLOCK_STAGES)
    def test_stages_without_a_clock_are_never_past_cadence(self, stage):
        contacted = added_on("2020-01-01", stage=stage, keep_in_touch_days=1)
        InteractionFactory(organization=contacted, happened_on=d("2021-01-01"))
        never_contacted = added_on("2020-01-01", stage=stage, keep_in_touch_days=1)

        assert figures(contacted).is_overdue is False
        assert figures(contacted).days_since_contact == 1155
        assert figures(never_contacted).is_overdue is False

    @pytest.mark.parametrize("stage", CLOCK_STAGES)
    def test_relationships_we_are_in_have_a_clock(self, stage):
        organization = added_on("2020-01-01", stage=stage, keep_in_touch_days=30)
        InteractionFactory(organization=organization, happened_on=d("2024-01-01"))

        assert figures(organization).is_overdue is True

    def test_today_defaults_to_the_local_date(self):
        organization = added_on("2023-06-01", keep_in_touch_days=30)
        InteractionFactory(organization=organization, happened_on=d("2024-01-31"))

        with time_machine.travel(datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
            on_the_day = Organization.objects.with_contact_figures().get()
        with time_machine.travel(datetime.datetime(2024, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
            a_day_later = Organization.objects.with_contact_figures().get()

        assert (on_the_day.days_since_contact, on_the_day.is_overdue) == (30, False)
        assert (a_day_later.days_since_contact, a_day_later.is_overdue) == (31, True)

    @override_settings(TIME_ZONE="America/Los_Angeles")
    def test_the_day_a_partner_was_added_is_the_local_day(self):
        # 03:00 UTC on 31 Jan is still 30 Jan in Los Angeles: 31 local days ago.
        la = zoneinfo.ZoneInfo("America/Los_Angeles")
        with time_machine.travel(datetime.datetime(2024, 1, 31, 3, tzinfo=datetime.UTC), tick=False):
            organization = OrganizationFactory(keep_in_touch_days=30)
        assert organization.created_at.astimezone(la).date() == d("2024-01-30")

        assert figures(organization).is_overdue is True


class TestPastCadence:
    def test_returns_only_partners_past_their_cadence(self):
        overdue = added_on("2023-06-01", name="overdue")
        InteractionFactory(organization=overdue, happened_on=d("2024-01-01"))
        added_on("2023-06-01", name="never contacted")
        on_time = added_on("2023-06-01", name="on time")
        InteractionFactory(organization=on_time, happened_on=d("2024-02-28"))
        paused = added_on("2023-06-01", name="paused", stage=Stage.PAUSED)
        InteractionFactory(organization=paused, happened_on=d("2023-07-01"))
        added_on("2024-02-25", name="new")

        names = set(Organization.objects.overdue(today=TODAY).values_list("name", flat=True))

        assert names == {"overdue", "never contacted"}
        assert not set(Organization.objects.overdue(today=d("2023-06-15")).values_list("name", flat=True))

    def test_can_be_narrowed_to_one_lead(self, program_manager, leader):
        mine = added_on("2023-06-01", name="mine", relationship_lead=program_manager)
        added_on("2023-06-01", name="someone else's", relationship_lead=leader)

        rows = Organization.objects.filter(relationship_lead=program_manager).overdue(today=TODAY)

        assert list(rows) == [mine]


class TestSupportFigures:
    def test_a_partner_with_nothing_has_zeroes(self):
        row = Organization.objects.with_support_figures().get(pk=OrganizationFactory().pk)

        assert row.outstanding_requests == 0
        assert row.money_delivered == Decimal("0")
        assert row.hours_delivered == Decimal("0")

    def test_totals_include_unrequested_support(self):
        organization = OrganizationFactory()
        support_request = SupportRequestFactory(organization=organization)
        SupportDeliveryFactory(request=support_request, money=Decimal("100.00"), hours=Decimal("2.00"))
        SupportDeliveryFactory(request=None, organization=organization, money=Decimal("25.50"), hours=Decimal("1.25"))
        SupportDeliveryFactory(money=Decimal("999.00"), hours=Decimal("9"))  # another partner's

        row = Organization.objects.with_support_figures().get(pk=organization.pk)

        assert row.money_delivered == Decimal("125.50")
        assert row.hours_delivered == Decimal("3.25")

    def test_outstanding_requests_count_only_what_is_still_owed(self):
        organization = OrganizationFactory()
        for status in RequestStatus.values:
            SupportRequestFactory(organization=organization, status=status)

        row = Organization.objects.with_support_figures().get(pk=organization.pk)

        # open, acknowledged, in progress and partly fulfilled
        assert row.outstanding_requests == 4

    def test_sums_do_not_multiply_across_requests_deliveries_and_interactions(self):
        organization = added_on("2023-06-01")
        first = SupportRequestFactory(organization=organization, status=RequestStatus.OPEN)
        second = SupportRequestFactory(organization=organization, status=RequestStatus.IN_PROGRESS)
        SupportRequestFactory(organization=organization, status=RequestStatus.FULFILLED)
        SupportDeliveryFactory(request=first, money=Decimal("10.00"), hours=Decimal("1.00"))
        SupportDeliveryFactory(request=first, money=Decimal("20.00"), hours=Decimal("0.50"))
        SupportDeliveryFactory(request=second, money=Decimal("30.00"), hours=Decimal("0"))
        SupportDeliveryFactory(request=None, organization=organization, money=Decimal("0.10"), hours=Decimal("0.20"))
        for day in ("2024-01-10", "2024-02-10", "2024-02-20"):
            InteractionFactory(organization=organization, happened_on=d(day))

        row = (
            Organization.objects.with_contact_figures(today=TODAY)
            .with_support_figures()
            .filter(tags__isnull=True)
            .get(pk=organization.pk)
        )

        assert row.money_delivered == Decimal("60.10")
        assert row.hours_delivered == Decimal("1.70")
        assert row.outstanding_requests == 2
        assert row.last_contact == d("2024-02-20")
        assert row.days_since_contact == 10

    def test_a_list_of_partners_costs_one_query(self, django_assert_num_queries):
        for n in range(3):
            organization = OrganizationFactory()
            InteractionFactory(organization=organization)
            SupportDeliveryFactory(request__organization=organization, money=Decimal(n))

        with django_assert_num_queries(1):
            rows = list(Organization.objects.with_contact_figures(today=TODAY).with_support_figures())

        assert sorted(row.money_delivered for row in rows) == [Decimal("0"), Decimal("1"), Decimal("2")]
