"""Support requests and the deliveries that answer them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.choices import RequestStatus, SupportCategory, Urgency
from partners.models import SupportDelivery, SupportRequest
from partners.tables import SupportDeliveryTable, SupportRequestTable
from tests.factories import SupportDeliveryFactory, SupportRequestFactory, busy_partner

pytestmark = pytest.mark.django_db

REQUESTS = reverse("partners:request_list")
DELIVERIES = reverse("partners:delivery_list")
READ_PAGES = ["request_list", "request_detail", "delivery_list"]
WRITE_PAGES = ["request_create", "request_edit", "delivery_create", "delivery_edit"]


def today() -> str:
    return timezone.localdate().isoformat()


def request_data(**overrides) -> dict:
    data = {
        "category": SupportCategory.EMERGENCY_FUNDS,
        "description": "Rent help for two members this month.",
        "amount_asked": "500.00",
        "asked_on": today(),
        "urgency": Urgency.HIGH,
        "initiated_by": "partner",
        "status": RequestStatus.OPEN,
    }
    return data | overrides


def delivery_data(support_request=None, **overrides) -> dict:
    data = {
        "request": support_request.pk if support_request else "",
        "category": "",
        "delivered_on": today(),
        "description": "Paid the first half.",
        "money": "200.00",
        "hours": "1.5",
        "request_status": "",
    }
    return data | overrides


def url(name: str, pk: int, query: str = "") -> str:
    return reverse(f"partners:{name}", args=[pk]) + query


def rows(response) -> list:
    return [row.record for row in response.context["table"].page.object_list]


# Who may use the pages


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_program_manager_gets_every_support_page(manager_client, partner_urls, page):
    assert manager_client.get(partner_urls[page]).status_code == 200


@pytest.mark.parametrize("page", READ_PAGES)
def test_leadership_reads_support_pages(leader_client, partner_urls, page):
    assert leader_client.get(partner_urls[page]).status_code == 200


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_leadership_cannot_open_support_forms(leader_client, partner_urls, page):
    assert leader_client.get(partner_urls[page]).status_code == 403


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_user_without_a_role_is_refused_support_pages(outsider_client, partner_urls, page):
    assert outsider_client.get(partner_urls[page]).status_code == 403


@pytest.mark.parametrize("who", ["leader_client", "outsider_client", "csrf_manager_client"])
def test_refused_support_writes_change_nothing(request, sample_rows, who):
    """Leadership and people without a role are refused; so is a program
    manager whose POST carries no CSRF token."""
    client = request.getfixturevalue(who)
    org, support_request, delivery = sample_rows.organization, sample_rows.request, sample_rows.delivery

    responses = [
        client.post(url("request_create", org.pk), request_data()),
        client.post(url("request_edit", support_request.pk), request_data(description="Changed")),
        client.post(url("delivery_create", org.pk), delivery_data(support_request, request_status="fulfilled")),
        client.post(url("delivery_edit", delivery.pk), delivery_data(support_request, money="999")),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert (SupportRequest.objects.count(), SupportDelivery.objects.count()) == (1, 1)
    support_request.refresh_from_db()
    delivery.refresh_from_db()
    assert (support_request.description, support_request.status) == (SupportRequestFactory.description, "open")
    assert delivery.money == 0


@pytest.mark.parametrize(
    "name", ["request_detail", "request_edit", "request_create", "delivery_create", "delivery_edit"]
)
def test_unknown_request_delivery_or_partner_is_404(manager_client, name):
    assert manager_client.get(url(name, 999999)).status_code == 404


# Requests


def test_recording_a_request_notes_who_recorded_it(manager_client, program_manager, sample_rows):
    response = manager_client.post(url("request_create", sample_rows.organization.pk), request_data())

    support_request = SupportRequest.objects.get(category=SupportCategory.EMERGENCY_FUNDS)
    assert response.url == support_request.get_absolute_url()
    assert support_request.recorded_by == program_manager
    assert support_request.organization == sample_rows.organization
    assert support_request.amount_asked == Decimal("500.00")


def test_editing_a_request(manager_client, sample_rows):
    support_request = sample_rows.request

    response = manager_client.post(
        url("request_edit", support_request.pk), request_data(status=RequestStatus.ACKNOWLEDGED)
    )

    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.ACKNOWLEDGED
    assert support_request.organization == sample_rows.organization


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_asked": "-50"}, "amount_asked"),
        ({"amount_asked": "five hundred"}, "amount_asked"),
        ({"amount_asked": "1e40"}, "amount_asked"),
        ({"description": ""}, "description"),
        ({"category": ""}, "category"),
        ({"asked_on": "2024-02-30"}, "asked_on"),
        ({"status": "lost"}, "status"),
    ],
)
def test_bad_request_input_is_refused(manager_client, sample_rows, assert_bad_input, overrides, field):
    data = request_data(urgency=Urgency.URGENT, **overrides)

    response = manager_client.post(url("request_create", sample_rows.organization.pk), data)

    assert_bad_input(response, field)
    assert SupportRequest.objects.count() == 1
    assert response.context["form"]["urgency"].value() == Urgency.URGENT


def test_bad_request_edit_keeps_the_saved_request(manager_client, sample_rows, assert_bad_input):
    support_request = sample_rows.request

    response = manager_client.post(
        url("request_edit", support_request.pk), request_data(description="Typed", amount_asked="-1")
    )

    assert_bad_input(response, "amount_asked")
    assert "Typed</textarea>" in response.content.decode()
    support_request.refresh_from_db()
    assert (support_request.description, support_request.amount_asked) == (SupportRequestFactory.description, None)


# Deliveries


def test_deliveries_move_the_request_status_and_add_up_on_the_request_page(manager_client, sample_rows):
    support_request = SupportRequestFactory(organization=sample_rows.organization, amount_asked=500)
    create = url("delivery_create", sample_rows.organization.pk)

    first = manager_client.post(create, delivery_data(support_request, request_status="partly_fulfilled"))
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.PARTLY_FULFILLED

    manager_client.post(create, delivery_data(support_request, money="300", hours="2", request_status="fulfilled"))
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.FULFILLED

    assert first.url == support_request.get_absolute_url()
    page = manager_client.get(support_request.get_absolute_url())
    shown = page.context["support_request"]
    assert (shown.money_delivered, shown.hours_delivered, shown.days_to_first_delivery) == (500, Decimal("3.5"), 0)
    html = page.content.decode()
    assert "500.00" in html
    assert "3.5" in html
    assert "Paid the first half." in html


def test_delivery_takes_the_request_category_when_left_empty(manager_client, sample_rows):
    support_request = SupportRequestFactory(organization=sample_rows.organization, category=SupportCategory.TRAINING)

    response = manager_client.post(url("delivery_create", sample_rows.organization.pk), delivery_data(support_request))

    assert response.status_code == 302
    assert SupportDelivery.objects.count() == 2  # the sample's delivery and the new one
    assert SupportDelivery.objects.get(request=support_request).category == SupportCategory.TRAINING


def test_a_delivery_is_saved_once_with_one_history_entry(manager_client, sample_rows):
    response = manager_client.post(
        url("delivery_create", sample_rows.organization.pk), delivery_data(sample_rows.request)
    )

    assert response.status_code == 302
    delivery = SupportDelivery.objects.latest("id")
    assert delivery != sample_rows.delivery  # the one just posted, not the sample's
    assert delivery.description == "Paid the first half."
    assert delivery.history.count() == 1


def test_unrequested_delivery_goes_back_to_the_partner(manager_client, sample_rows):
    response = manager_client.post(
        url("delivery_create", sample_rows.organization.pk), delivery_data(category=SupportCategory.SUPPLIES)
    )

    assert response.url == sample_rows.organization.get_absolute_url()
    assert SupportDelivery.objects.unrequested().get().category == SupportCategory.SUPPLIES


def test_editing_a_delivery(manager_client, sample_rows):
    delivery = sample_rows.delivery

    response = manager_client.post(url("delivery_edit", delivery.pk), delivery_data(sample_rows.request, money="75"))

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.money == 75
    assert delivery.history.count() == 2  # created, then changed once


def test_delivery_form_offers_the_request_from_the_link(manager_client, sample_rows):
    response = manager_client.get(
        url("delivery_create", sample_rows.organization.pk, f"?request={sample_rows.request.pk}")
    )

    assert response.context["form"]["request"].value() == sample_rows.request.pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"money": "-1"}, "money"),
        ({"money": "lots"}, "money"),
        ({"hours": "-0.5"}, "hours"),
        ({"delivered_on": ""}, "delivered_on"),
        ({"description": ""}, "description"),
        ({"request_status": "declined"}, "request_status"),
    ],
)
def test_bad_delivery_input_is_refused(manager_client, sample_rows, assert_bad_input, overrides, field):
    response = manager_client.post(
        url("delivery_create", sample_rows.organization.pk), delivery_data(sample_rows.request, **overrides)
    )

    assert_bad_input(response, field)
    assert SupportDelivery.objects.count() == 1
    assert response.context["form"]["request"].value() == str(sample_rows.request.pk)


def test_unrequested_delivery_needs_a_category_and_no_status(manager_client, sample_rows, assert_bad_input):
    response = manager_client.post(
        url("delivery_create", sample_rows.organization.pk), delivery_data(request_status="fulfilled")
    )

    assert_bad_input(response, "category")
    assert "request_status" in response.context["form"].errors
    assert SupportDelivery.objects.count() == 1


def test_delivery_cannot_answer_another_partners_request(manager_client, sample_rows, assert_bad_input):
    someone_elses = SupportRequestFactory()

    response = manager_client.post(
        url("delivery_create", sample_rows.organization.pk), delivery_data(someone_elses, request_status="fulfilled")
    )

    assert_bad_input(response, "request")
    assert SupportDelivery.objects.count() == 1
    someone_elses.refresh_from_db()
    assert someone_elses.status == RequestStatus.OPEN


def test_bad_delivery_edit_keeps_the_saved_delivery(manager_client, sample_rows, assert_bad_input):
    delivery = sample_rows.delivery

    response = manager_client.post(url("delivery_edit", delivery.pk), delivery_data(sample_rows.request, money="-3"))

    assert_bad_input(response, "money")
    assert 'value="-3"' in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.money == 0


# Lists


def test_request_list_filters_by_status_and_category(manager_client, sample_rows):
    wanted = SupportRequestFactory(category=SupportCategory.TRAINING, status=RequestStatus.DECLINED)
    SupportRequestFactory(category=SupportCategory.TRAINING, status=RequestStatus.OPEN)

    response = manager_client.get(REQUESTS, {"status": "declined", "category": "training"})

    assert rows(response) == [wanted]


def test_delivery_list_filters_unrequested(manager_client, sample_rows):
    unrequested = SupportDeliveryFactory(request=None)

    response = manager_client.get(DELIVERIES, {"requested": "unrequested"})

    assert rows(response) == [unrequested]
    assert "Unrequested" in response.content.decode()


@pytest.mark.parametrize(
    ("page", "query"),
    [
        (REQUESTS, {"status": "lost"}),
        (REQUESTS, {"asked_on_before": "31/31/2024"}),
        (REQUESTS, {"organization": "x"}),
        (DELIVERIES, {"category": "cash"}),
        (DELIVERIES, {"delivered_on_after": "soon"}),
        (DELIVERIES, {"requested": "maybe"}),
    ],
)
def test_bad_support_filter_is_a_400(manager_client, sample_rows, page, query):
    response = manager_client.get(page, query)

    assert response.status_code == 400
    assert response.context["filter"].form.errors


SORTS = [(REQUESTS, c.name) for c in SupportRequestTable([]).columns if c.orderable] + [
    (DELIVERIES, c.name) for c in SupportDeliveryTable([]).columns if c.orderable
]


@pytest.mark.parametrize(("page", "column"), SORTS)
@pytest.mark.parametrize("direction", ["", "-"])
def test_support_lists_sort_by_each_column(manager_client, program_manager, page, column, direction):
    busy_partner(logged_by=program_manager)  # one request with a delivery, one unrequested delivery
    SupportRequestFactory(amount_asked=None, asked_on=datetime.date(2024, 1, 1))

    response = manager_client.get(page, {"sort": direction + column})

    assert response.status_code == 200
    assert len(rows(response)) == 2


@pytest.mark.parametrize(("page", "name"), [(REQUESTS, "request list"), (DELIVERIES, "delivery list")])
def test_support_lists_cost_the_same_queries_for_5_or_50_rows(
    manager_client, program_manager, assert_constant_queries, page, name
):
    def add_rows(count):
        for _ in range(count):
            busy_partner(logged_by=program_manager)

    assert_constant_queries(manager_client, page + "?per_page=100", name, add_rows)
