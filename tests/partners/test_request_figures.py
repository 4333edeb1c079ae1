"""SupportRequestQuerySet and SupportDeliveryQuerySet figures, checked against
small hand-computed data."""

import datetime
from decimal import Decimal

import pytest

from partners.choices import OUTSTANDING_STATUSES, RequestStatus
from partners.models import SupportDelivery, SupportRequest
from tests.factories import OrganizationFactory, SupportDeliveryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 1)


def d(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def figures(support_request: SupportRequest, today: datetime.date = TODAY) -> SupportRequest:
    return SupportRequest.objects.with_delivery_figures(today=today).get(pk=support_request.pk)


def deliver(support_request: SupportRequest, on: str, money: str = "0", hours: str = "0") -> SupportDelivery:
    return SupportDeliveryFactory(
        request=support_request, delivered_on=d(on), money=Decimal(money), hours=Decimal(hours)
    )


class TestDeliveryFigures:
    def test_a_request_with_no_deliveries(self):
        row = figures(SupportRequestFactory(asked_on=d("2024-02-20"), amount_asked=Decimal("300.00")))

        assert row.money_delivered == Decimal("0")
        assert row.hours_delivered == Decimal("0")
        assert row.delivery_count == 0
        assert row.first_delivery_on is None
        assert row.days_to_first_delivery is None
        assert row.outstanding_amount == Decimal("300.00")
        assert row.days_open == 10

    def test_several_deliveries_are_summed_and_the_first_one_dates_it(self):
        # Asked on 20 Feb 2024; first delivery on 1 Mar, 10 days later (29 February counts).
        support_request = SupportRequestFactory(asked_on=d("2024-02-20"), amount_asked=Decimal("500.00"))
        deliver(support_request, "2024-03-05", money="0.10", hours="1.50")
        deliver(support_request, "2024-03-01", money="0.20", hours="2.25")
        deliver(support_request, "2024-04-01", money="100.00")

        row = figures(support_request)

        assert row.money_delivered == Decimal("100.30")
        assert row.hours_delivered == Decimal("3.75")
        assert row.delivery_count == 3
        assert row.first_delivery_on == d("2024-03-01")
        assert row.days_to_first_delivery == 10

    def test_delivered_on_the_day_it_was_asked(self):
        support_request = SupportRequestFactory(asked_on=d("2024-02-20"))
        deliver(support_request, "2024-02-20")

        assert figures(support_request).days_to_first_delivery == 0

    def test_partly_fulfilled_still_owes_the_difference(self):
        support_request = SupportRequestFactory(amount_asked=Decimal("250.00"), status=RequestStatus.PARTLY_FULFILLED)
        deliver(support_request, "2024-02-01", money="100.50")
        deliver(support_request, "2024-02-02", money="49.50")

        assert figures(support_request).outstanding_amount == Decimal("100.00")

    @pytest.mark.parametrize("status", [RequestStatus.FULFILLED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN])
    def test_closed_requests_owe_nothing(self, status):
        support_request = SupportRequestFactory(amount_asked=Decimal("250.00"), status=status)
        deliver(support_request, "2024-02-01", money="100.00")

        assert figures(support_request).outstanding_amount == Decimal("0")

    def test_no_amount_asked_means_no_amount_outstanding(self):
        support_request = SupportRequestFactory(amount_asked=None, status=RequestStatus.OPEN)
        deliver(support_request, "2024-02-01", money="40.00")

        row = figures(support_request)

        assert row.outstanding_amount is None
        assert row.money_delivered == Decimal("40.00")

    def test_giving_more_than_asked_leaves_nothing_outstanding(self):
        support_request = SupportRequestFactory(amount_asked=Decimal("50.00"), status=RequestStatus.IN_PROGRESS)
        deliver(support_request, "2024-02-01", money="80.00")

        assert figures(support_request).outstanding_amount == Decimal("0")

    def test_unrequested_and_other_requests_deliveries_do_not_count(self):
        support_request = SupportRequestFactory(amount_asked=Decimal("100.00"))
        deliver(support_request, "2024-02-10", money="30.00", hours="1")
        SupportDeliveryFactory(
            request=None, organization=support_request.organization, delivered_on=d("2024-01-01"), money=Decimal("70")
        )
        other = SupportRequestFactory(organization=support_request.organization)
        deliver(other, "2024-01-02", money="5.00", hours="4")

        row = figures(support_request)

        assert row.money_delivered == Decimal("30.00")
        assert row.hours_delivered == Decimal("1")
        assert row.delivery_count == 1
        assert row.first_delivery_on == d("2024-02-10")
        assert row.outstanding_amount == Decimal("70.00")

    def test_a_list_of_requests_costs_one_query(self, django_assert_num_queries):
        for n in range(3):
            deliver(SupportRequestFactory(), "2024-02-01", money=str(n))
            deliver(SupportRequestFactory(), "2024-02-02", money=str(n))

        with django_assert_num_queries(1):
            rows = list(SupportRequest.objects.with_delivery_figures(today=TODAY).select_related("organization"))

        assert sum(row.money_delivered for row in rows) == Decimal("6")


class TestFulfilmentSummary:
    def test_counts_and_rate(self):
        statuses = {
            RequestStatus.FULFILLED: 2,
            RequestStatus.PARTLY_FULFILLED: 1,
            RequestStatus.DECLINED: 1,
            RequestStatus.WITHDRAWN: 3,
            RequestStatus.OPEN: 2,
            RequestStatus.IN_PROGRESS: 1,
        }
        for status, count in statuses.items():
            SupportRequestFactory.create_batch(count, status=status)

        summary = SupportRequest.objects.fulfilment_summary()

        assert summary == {
            "total": 10,
            "fulfilled": 2,
            "partly_fulfilled": 1,
            "declined": 1,
            "withdrawn": 3,
            # Met (fulfilled + partly) over decided (met + declined): 3 / 4.
            "fulfilment_rate": 0.75,
        }

    def test_open_and_withdrawn_requests_do_not_change_the_rate(self):
        SupportRequestFactory(status=RequestStatus.FULFILLED)
        SupportRequestFactory(status=RequestStatus.DECLINED)
        before = SupportRequest.objects.fulfilment_summary()["fulfilment_rate"]
        SupportRequestFactory(status=RequestStatus.WITHDRAWN)
        SupportRequestFactory(status=RequestStatus.ACKNOWLEDGED)

        assert before == 0.5
        assert SupportRequest.objects.fulfilment_summary()["fulfilment_rate"] == 0.5

    def test_no_decided_requests_has_no_rate(self):
        SupportRequestFactory(status=RequestStatus.OPEN)
        SupportRequestFactory(status=RequestStatus.WITHDRAWN)

        summary = SupportRequest.objects.fulfilment_summary()

        assert summary["total"] == 2
        assert summary["fulfilment_rate"] is None

    def test_nothing_at_all(self):
        summary = SupportRequest.objects.fulfilment_summary()

        assert summary["total"] == 0
        assert summary["fulfilment_rate"] is None

    def test_all_declined_is_a_rate_of_zero_not_none(self):
        SupportRequestFactory(status=RequestStatus.DECLINED)

        assert SupportRequest.objects.fulfilment_summary()["fulfilment_rate"] == 0

    def test_one_partner_only_and_after_delivery_figures(self, django_assert_num_queries):
        organization = OrganizationFactory()
        SupportRequestFactory(organization=organization, status=RequestStatus.FULFILLED)
        fulfilled = SupportRequestFactory(organization=organization, status=RequestStatus.PARTLY_FULFILLED)
        deliver(fulfilled, "2024-02-01", money="10")
        deliver(fulfilled, "2024-02-02", money="10")
        SupportRequestFactory(status=RequestStatus.DECLINED)  # another partner's

        with django_assert_num_queries(1):
            summary = organization.requests.with_delivery_figures(today=TODAY).fulfilment_summary()

        assert (summary["total"], summary["fulfilment_rate"]) == (2, 1.0)


class TestOutstandingAndUnrequested:
    def test_outstanding_is_everything_still_owed(self):
        for status in RequestStatus.values:
            SupportRequestFactory(status=status)

        statuses = set(SupportRequest.objects.outstanding().values_list("status", flat=True))

        assert statuses == {
            RequestStatus.OPEN,
            RequestStatus.ACKNOWLEDGED,
            RequestStatus.IN_PROGRESS,
            RequestStatus.PARTLY_FULFILLED,
        }
        assert statuses == set(OUTSTANDING_STATUSES)

    def test_unrequested_deliveries(self):
        organization = OrganizationFactory()
        unrequested = SupportDeliveryFactory(request=None, organization=organization)
        answered = SupportDeliveryFactory(request__organization=organization)

        assert list(SupportDelivery.objects.unrequested()) == [unrequested]
        assert unrequested.is_unrequested
        assert not answered.is_unrequested
        assert list(organization.deliveries.unrequested()) == [unrequested]
