"""Every change to partners, contacts, interactions, requests and deliveries is
kept in the audit history, with who made it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from partners.choices import (
    InteractionKind,
    OrganizationKind,
    RequestStatus,
    Stage,
    SupportCategory,
    Urgency,
)
from partners.models import Contact, Interaction, Organization, SupportDelivery, SupportRequest
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = "2024-02-20"


def organization_data(**overrides) -> dict:
    return {
        "name": "Night Shift Collective",
        "kind": OrganizationKind.SEX_WORKER_LED,
        "stage": Stage.FIRST_CONTACT,
        "keep_in_touch_days": 30,
    } | overrides


def contact_data(**overrides) -> dict:
    return {"name_or_alias": "Rosa", "email": "rosa@example.org", "language": "en"} | overrides


def interaction_data(**overrides) -> dict:
    return {
        "kind": InteractionKind.MEETING,
        "happened_on": DAY,
        "summary": "Talked about the spring outreach nights.",
        "confidential_notes": "Prefers Signal.",
    } | overrides


def request_data(**overrides) -> dict:
    return {
        "category": SupportCategory.EMERGENCY_FUNDS,
        "description": "Help with rent for a member.",
        "amount_asked": "300.00",
        "asked_on": DAY,
        "urgency": Urgency.HIGH,
        "initiated_by": "partner",
        "status": RequestStatus.OPEN,
    } | overrides


def delivery_data(support_request, **overrides) -> dict:
    return {
        "request": support_request.pk,
        "delivered_on": DAY,
        "description": "Paid the first half.",
        "money": "150.00",
        "hours": "1.5",
    } | overrides


def post(client, url_name: str, data: dict, *args) -> None:
    response = client.post(reverse(f"partners:{url_name}", args=args), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response


def assert_history(instance, user, types: list[str]) -> None:
    """The rows are newest first: e.g. ["~", "+"] for an edit after a create."""
    rows = list(instance.history.order_by("-history_id"))
    assert [row.history_type for row in rows] == types
    assert all(row.history_user == user for row in rows)
    assert all(row.history_date is not None for row in rows)


def test_organization_created_and_edited(manager_client, program_manager):
    post(manager_client, "organization_create", organization_data())
    organization = Organization.objects.get(name="Night Shift Collective")
    post(manager_client, "organization_edit", organization_data(stage=Stage.BUILDING_TRUST), organization.pk)

    assert_history(organization, program_manager, ["~", "+"])
    latest, first = organization.history.order_by("-history_id")
    assert (first.stage, latest.stage) == (Stage.FIRST_CONTACT, Stage.BUILDING_TRUST)


def test_contact_created_and_edited(manager_client, program_manager):
    organization = OrganizationFactory()
    post(manager_client, "contact_create", contact_data(), organization.pk)
    contact = Contact.objects.get(name_or_alias="Rosa")
    post(manager_client, "contact_edit", contact_data(opted_out="on"), contact.pk)

    assert_history(contact, program_manager, ["~", "+"])
    assert contact.history.latest().opted_out is True


def test_interaction_created_and_edited(manager_client, program_manager):
    organization = OrganizationFactory()
    post(manager_client, "interaction_create", interaction_data(), organization.pk)
    interaction = Interaction.objects.get(organization=organization)
    post(manager_client, "interaction_edit", interaction_data(follow_up_done="on"), interaction.pk)

    assert_history(interaction, program_manager, ["~", "+"])
    assert interaction.history.latest().confidential_notes == "Prefers Signal."


def test_request_created_and_edited(manager_client, program_manager):
    organization = OrganizationFactory()
    post(manager_client, "request_create", request_data(), organization.pk)
    support_request = SupportRequest.objects.get(organization=organization)
    post(manager_client, "request_edit", request_data(status=RequestStatus.ACKNOWLEDGED), support_request.pk)

    assert_history(support_request, program_manager, ["~", "+"])


def record_and_edit_a_delivery(client) -> tuple[SupportRequest, SupportDelivery]:
    organization = OrganizationFactory()
    post(client, "request_create", request_data(), organization.pk)
    support_request = SupportRequest.objects.get(organization=organization)
    data = delivery_data(support_request, request_status=RequestStatus.PARTLY_FULFILLED)
    post(client, "delivery_create", data, organization.pk)
    delivery = SupportDelivery.objects.get(request=support_request)
    post(client, "delivery_edit", delivery_data(support_request, money="175.00"), delivery.pk)
    return support_request, delivery


def test_delivery_created_and_edited_and_the_request_status_change_too(manager_client, program_manager):
    support_request, delivery = record_and_edit_a_delivery(manager_client)

    # One row per save: the view saves through record_delivery() only.
    assert_history(delivery, program_manager, ["~", "+"])
    assert delivery.history.latest().money == Decimal("175.00")
    # The delivery moved the request on: that change is in the request's history too.
    assert_history(support_request, program_manager, ["~", "+"])
    assert support_request.history.latest().status == RequestStatus.PARTLY_FULFILLED


def test_each_change_records_who_made_it(manager_client, program_manager, client):
    colleague = UserFactory(username="colleague", groups=["Program managers"])
    client.force_login(colleague)
    organization = OrganizationFactory(name="Harbor Mutual Aid")
    post(manager_client, "organization_edit", organization_data(name="Harbor Mutual Aid"), organization.pk)
    post(client, "organization_edit", organization_data(name="Harbor Mutual Aid", stage=Stage.PAUSED), organization.pk)

    users = list(organization.history.order_by("history_id").values_list("history_user__username", flat=True))

    # The factory wrote the first row outside any request: nobody to record.
    assert users == [None, "manager", "colleague"]


def test_changes_outside_a_request_can_name_the_user(program_manager):
    organization = OrganizationFactory.build(name="Set by a script", kind=OrganizationKind.LEGAL)
    organization._history_user = program_manager
    organization.save()

    assert organization.history.get().history_user == program_manager


def test_a_refused_edit_writes_no_history(leader_client):
    organization = OrganizationFactory()
    before = organization.history.count()

    response = leader_client.post(
        reverse("partners:organization_edit", args=[organization.pk]), organization_data(stage=Stage.ENDED)
    )

    assert response.status_code == 403
    assert organization.history.count() == before


def test_history_keeps_the_old_values_after_a_change():
    organization = OrganizationFactory(keep_in_touch_days=30)
    organization.keep_in_touch_days = 60
    organization.save()

    as_of_first = organization.history.earliest().instance

    assert as_of_first.keep_in_touch_days == 30
    assert Organization.objects.get(pk=organization.pk).keep_in_touch_days == 60
