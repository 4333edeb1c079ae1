"""A request's first delivery day (SupportRequest.first_delivery_on) is
kept as deliveries come and go, by every way they do: the ledger's forms,
moving a delivery to another request, delete and undo, the admin's bulk
delete. Each test ends by checking the stored day against the deliveries."""

import datetime

import pytest
from django.db.models import Min
from django.urls import reverse

from partners.models import DeletedRecord, SupportDelivery, SupportRequest
from tests.factories import OrganizationFactory, SupportDeliveryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
CONFIRM = {"confirm": "1"}


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def first_day(request: SupportRequest) -> datetime.date | None:
    request.refresh_from_db()
    return request.first_delivery_on


def assert_kept() -> None:
    """Every request's stored day is its earliest delivery's, or None."""
    computed = dict(SupportRequest.objects.annotate(first=Min("deliveries__delivered_on")).values_list("pk", "first"))
    stored = dict(SupportRequest.objects.values_list("pk", "first_delivery_on"))
    assert stored == computed


def form(request: SupportRequest, day: datetime.date, **more) -> dict:
    return {"request": request.pk, "delivered_on": day.isoformat(), "description": "Bus passes", "money": "0",
            "hours": "1"} | more  # fmt: skip


@pytest.fixture
def asked():
    return SupportRequestFactory(asked_on=ago(30), category="supplies")


def test_the_ledger_sets_it_and_an_earlier_delivery_moves_it(manager_client, asked):
    create = reverse("partners:delivery_create", args=[asked.organization_id])
    assert first_day(asked) is None

    assert manager_client.post(create, form(asked, ago(10))).status_code == 302
    assert first_day(asked) == ago(10)
    manager_client.post(create, form(asked, ago(20)))
    assert first_day(asked) == ago(20)
    manager_client.post(create, form(asked, ago(5)))
    assert first_day(asked) == ago(20)
    assert_kept()


def test_editing_its_date_or_moving_it_to_another_request(manager_client, asked):
    other = SupportRequestFactory(organization=asked.organization, asked_on=ago(40), category="supplies")
    delivery = SupportDeliveryFactory(organization=asked.organization, request=asked, delivered_on=ago(12))
    later = SupportDeliveryFactory(organization=asked.organization, request=asked, delivered_on=ago(3))
    edit = reverse("partners:delivery_edit", args=[delivery.pk])

    assert manager_client.post(edit, form(asked, ago(2))).status_code == 302
    assert first_day(asked) == ago(3)  # the other delivery is now the first
    manager_client.post(edit, form(other, ago(2)))
    assert (first_day(asked), first_day(other)) == (ago(3), ago(2))
    manager_client.post(reverse("partners:delivery_edit", args=[later.pk]), form(other, ago(3)))
    assert (first_day(asked), first_day(other)) == (None, ago(3))
    assert_kept()


def test_deleting_a_delivery_and_undoing_it(manager_client, asked):
    first = SupportDeliveryFactory(organization=asked.organization, request=asked, delivered_on=ago(12))
    SupportDeliveryFactory(organization=asked.organization, request=asked, delivered_on=ago(4))

    manager_client.post(reverse("partners:delivery_delete", args=[first.pk]), CONFIRM)
    assert first_day(asked) == ago(4)
    manager_client.post(reverse("partners:deletion_undo", args=[DeletedRecord.objects.get().pk]), CONFIRM)
    assert first_day(asked) == ago(12)
    assert_kept()


def test_deleting_a_request_and_undoing_it_brings_its_deliveries_back(manager_client, asked):
    SupportDeliveryFactory(organization=asked.organization, request=asked, delivered_on=ago(9))

    manager_client.post(reverse("partners:request_delete", args=[asked.pk]), CONFIRM)
    assert not SupportRequest.objects.filter(pk=asked.pk).exists()
    manager_client.post(reverse("partners:deletion_undo", args=[DeletedRecord.objects.get().pk]), CONFIRM)
    assert first_day(asked) == ago(9)
    assert_kept()


def test_the_admins_bulk_delete(admin_client, asked):
    gone = SupportDeliveryFactory(organization=asked.organization, request=asked, delivered_on=ago(15))
    SupportDeliveryFactory(organization=asked.organization, request=asked, delivered_on=ago(6))

    response = admin_client.post(
        reverse("admin:partners_supportdelivery_changelist"),
        {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert first_day(asked) == ago(6)
    assert_kept()


def test_a_save_of_other_fields_costs_no_query_more(asked):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    delivery = SupportDeliveryFactory(organization=asked.organization, request=asked, delivered_on=ago(7))
    with CaptureQueriesContext(connection) as queries:
        SupportDelivery.objects.get(pk=delivery.pk).save(update_fields=["description"])
    assert len([q for q in queries if "partners_supportrequest" in q["sql"]]) == 0


def test_a_partner_deleted_with_its_requests_and_deliveries(manager_client):
    partner = OrganizationFactory()
    asked = SupportRequestFactory(organization=partner, asked_on=ago(30))
    SupportDeliveryFactory(organization=partner, request=asked, delivered_on=ago(3))

    assert manager_client.post(reverse("partners:organization_delete", args=[partner.pk]), CONFIRM).status_code == 302
    assert not SupportRequest.objects.filter(pk=asked.pk).exists()
    manager_client.post(reverse("partners:deletion_undo", args=[DeletedRecord.objects.get().pk]), CONFIRM)
    assert first_day(asked) == ago(3)
    assert_kept()
