"""The support ledger keeps itself straight: a request for money turns
partly fulfilled, then fulfilled, as deliveries land; giving more than was
asked needs a tick; the request choice tells requests apart; days to
fulfil; dates within the organization's life; people shown by name."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.forms import OrganizationForm, SupportDeliveryForm
from partners.models import SupportRequest
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganizationFactory,
    SupportRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _deliver(client, request: SupportRequest, money: str, **extra):
    data = {
        "request": request.pk,
        "delivered_on": TODAY.isoformat(),
        "description": "Cash for rent",
        "money": money,
        "hours": "0",
    } | extra
    return client.post(reverse("partners:delivery_create", args=[request.organization_id]), data)


def test_a_request_for_money_turns_fulfilled_as_its_last_delivery_lands(manager_client):
    asked = SupportRequestFactory(
        category="emergency_funds", amount_asked=300, asked_on=TODAY - datetime.timedelta(days=4)
    )
    assert _deliver(manager_client, asked, "100").status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.fulfilled_on) == ("partly_fulfilled", None)
    assert _deliver(manager_client, asked, "200").status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.fulfilled_on) == ("fulfilled", TODAY)
    figures = SupportRequest.objects.with_delivery_figures().get(pk=asked.pk)
    assert (figures.days_to_fulfil, figures.outstanding_amount) == (4, 0)
    page = manager_client.get(asked.get_absolute_url()).content.decode()
    assert "Days to fulfil" in page
    assert asked not in manager_client.get("/").context["open_requests"]


def test_a_chosen_status_wins_and_a_declined_request_is_left_alone(manager_client):
    asked = SupportRequestFactory(category="emergency_funds", amount_asked=300)
    _deliver(manager_client, asked, "50", request_status="fulfilled")
    asked.refresh_from_db()
    assert asked.status == "fulfilled"
    declined = SupportRequestFactory(category="emergency_funds", amount_asked=300, status="declined")
    _deliver(manager_client, declined, "300")
    declined.refresh_from_db()
    assert declined.status == "declined"


def test_giving_more_than_was_asked_needs_a_tick(manager_client):
    asked = SupportRequestFactory(category="emergency_funds", amount_asked=300)
    refused = _deliver(manager_client, asked, "800")
    assert refused.status_code == 400
    assert "more than the 300.00 asked" in refused.content.decode()
    assert not asked.deliveries.exists()
    assert _deliver(manager_client, asked, "800", more_than_asked="on").status_code == 302
    asked.refresh_from_db()
    assert asked.status == "fulfilled"


def test_the_request_choice_tells_requests_of_one_category_apart():
    organization = OrganizationFactory()
    for day, text in [(3, "Rent for March"), (2, "Bus fares for the clinic trip"), (1, "Rent for April")]:
        SupportRequestFactory(
            organization=organization,
            category="emergency_funds",
            description=text,
            asked_on=TODAY - datetime.timedelta(days=day),
        )
    labels = [label for value, label in SupportDeliveryForm(organization=organization).fields["request"].choices][1:]
    assert len(set(labels)) == 3
    assert any("Bus fares for the clinic trip" in label for label in labels)


def test_leads_and_delivered_by_are_shown_by_name():
    UserFactory(username="manager2", first_name="Sam", last_name="Ortiz", groups=["Program managers"])
    lead_labels = [label for _, label in OrganizationForm().fields["relationship_lead"].choices]
    delivered_by = SupportDeliveryForm(organization=OrganizationFactory()).fields["delivered_by"].choices
    assert "Sam Ortiz" in lead_labels and "manager2" not in lead_labels
    assert "Sam Ortiz" in [label for _, label in delivered_by]


@pytest.mark.parametrize("days", ["0", "-5", "731"])
def test_keep_in_touch_out_of_range_says_the_same_thing(days):
    form = OrganizationForm(data={"name": "X", "kind": "other", "stage": "identified", "keep_in_touch_days": days})
    assert form.errors["keep_in_touch_days"] == ["Choose between 1 and 730 days."]


def test_dates_stay_within_the_organization_s_life(manager_client, settings):
    settings.ORGANIZATION_FOUNDED_YEAR = 2001
    organization = OrganizationFactory()
    url = reverse("partners:interaction_create", args=[organization.pk])
    page = manager_client.post(url, {"kind": "meeting", "happened_on": "0001-01-01", "summary": "x"})
    assert page.status_code == 400 and "before 2001" in page.content.decode()
    url = reverse("partners:request_create", args=[organization.pk])
    future = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    data = {"category": "training", "description": "x", "asked_on": future, "urgency": "normal"}
    page = manager_client.post(url, data | {"initiated_by": "partner", "status": "open"})
    assert page.status_code == 400 and "cannot be in the future" in page.content.decode()
    assert not SupportRequest.objects.exists()
    InteractionFactory(organization=organization)  # today: fine


def test_a_contact_without_a_channel_shows_only_the_language(manager_client):
    contact = ContactFactory(preferred_channel="", name_or_alias="Quiet")
    page = manager_client.get(contact.organization.get_absolute_url()).content.decode()
    assert "<td> · English</td>" not in page and "<td>English</td>" in page
