"""Every change to partners, contacts, interactions, requests and deliveries is
kept in the audit history, with who made it."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from partners.choices import (
    InteractionKind,
    OrganizationKind,
    RequestStatus,
    Stage,
    SupportCategory,
    Urgency,
)
from partners.history import HISTORY_LIMIT
from partners.models import Contact, Interaction, Organization, SupportDelivery, SupportRequest
from partners.portal_changes import said_by
from tests.factories import ContactFactory, OrganizationFactory, SupportRequestFactory, TagFactory, UserFactory

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


# The History section on the partner, interaction and request pages
# (partners/history.py, templates/partners/_history.html).

NOTE_CANARY = "CANARY-NOTE-7f3a"
EMAIL_CANARY = "canary-contact-7f3a@example.org"
PHONE_CANARY = "+44 7700 900 731"
AT_NOON = datetime.datetime(2024, 3, 5, 12, 0, tzinfo=datetime.UTC)


def history_section(response) -> str:
    """The History section's text, as a reader sees it."""
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<section id="history"')
    return " ".join(strip_tags(html[start : html.index("</section>", start)]).split())


def page(client, url_name: str, pk: int):
    return client.get(reverse(f"partners:{url_name}", args=[pk]))


@pytest.fixture
def named_manager(program_manager):
    program_manager.first_name, program_manager.last_name = "Maya", "Okafor"
    program_manager.save()
    return program_manager


@time_machine.travel(AT_NOON, tick=False)
def test_the_partner_page_tells_who_changed_what_and_when(manager_client, named_manager):
    post(manager_client, "organization_create", organization_data(stage=Stage.BUILDING_TRUST))
    organization = Organization.objects.get(name="Night Shift Collective")
    post(
        manager_client,
        "organization_edit",
        organization_data(stage=Stage.COLLABORATING, lived_experience_led="on"),
        organization.pk,
    )

    response = page(manager_client, "organization_detail", organization.pk)
    section = history_section(response)

    assert '<section id="history" class="history" aria-labelledby="history-heading">\n  <details>' in (
        response.content.decode()
    )  # closed until opened, no JavaScript needed
    assert "5 Mar 2024 12:00 · Maya Okafor" in section
    assert "Relationship stage: Building trust → Collaborating" in section
    assert "Led by people with lived experience: No → Yes" in section
    # Newest first: the change, then the creation.
    assert section.index("Collaborating") < section.index("Added")


def test_the_partner_page_holds_its_contacts_history_without_their_addresses(manager_client, named_manager):
    organization = OrganizationFactory()
    post(manager_client, "contact_create", contact_data(email=EMAIL_CANARY, phone=PHONE_CANARY), organization.pk)
    contact = Contact.objects.get(name_or_alias="Rosa")
    post(manager_client, "contact_edit", contact_data(email="rosa.new@example.org", role="Coordinator"), contact.pk)
    post(manager_client, "contact_edit", contact_data(email="rosa.new@example.org", role="Coordinator"), contact.pk)

    response = page(manager_client, "organization_detail", organization.pk)
    section = history_section(response)

    assert "Contact Rosa: Added" in section
    assert "Role: — → Coordinator" in section
    assert "Email: changed" in section
    assert "Phone: changed" in section
    assert section.count("Contact Rosa:") == 2  # the save that changed nothing is not told
    for value in (EMAIL_CANARY, "rosa.new@example.org", PHONE_CANARY):
        assert value not in response.content.decode()


def test_leadership_is_not_even_told_a_contacts_address_changed(leader_client, manager_client):
    organization = OrganizationFactory()
    post(manager_client, "contact_create", contact_data(email=EMAIL_CANARY), organization.pk)
    contact = Contact.objects.get(name_or_alias="Rosa")
    post(manager_client, "contact_edit", contact_data(email="rosa.new@example.org"), contact.pk)

    section = history_section(page(leader_client, "organization_detail", organization.pk))

    assert "Contact Rosa: Added" in section
    assert "Email" not in section
    assert "Changed" not in section


def test_a_removed_contact_stays_in_the_partner_history(manager_client):
    contact = ContactFactory(name_or_alias="Lou")
    contact.delete()

    section = history_section(page(manager_client, "organization_detail", contact.organization_id))

    assert "Contact Lou: Removed" in section


def test_changes_made_in_the_portal_are_the_partners(manager_client):
    organization = OrganizationFactory()
    rosa = ContactFactory(organization=organization, name_or_alias="Rosa")
    said_by(rosa, rosa)
    rosa.role = "Outreach"
    rosa.save()
    said_by(organization, rosa)
    organization.contact_preferences = "Signal only."
    organization.save()

    section = history_section(page(manager_client, "organization_detail", organization.pk))

    assert section.count("Rosa, in the portal") == 2
    assert "Safety and contact preferences: — → Signal only." in section
    assert "Role: — → Outreach" in section


@time_machine.travel(AT_NOON, tick=False)
def test_the_interaction_page_tells_its_changes(manager_client, named_manager):
    organization = OrganizationFactory()
    rosa = ContactFactory(organization=organization, name_or_alias="Rosa")
    post(manager_client, "interaction_create", interaction_data(), organization.pk)
    interaction = Interaction.objects.get(organization=organization)
    edited = interaction_data(kind=InteractionKind.CALL, follow_up_done="on", contacts=[rosa.pk])
    post(manager_client, "interaction_edit", edited, interaction.pk)

    section = history_section(page(manager_client, "interaction_detail", interaction.pk))

    assert "5 Mar 2024 12:00 · Maya Okafor" in section
    assert f"Kind: {InteractionKind.MEETING.label} → {InteractionKind.CALL.label}" in section
    assert "Follow-up done: No → Yes" in section
    assert "People present: — → Rosa" in section
    assert "Added" in section


def plant_and_change_the_notes(client, organization) -> Interaction:
    post(client, "interaction_create", interaction_data(confidential_notes=NOTE_CANARY), organization.pk)
    interaction = Interaction.objects.get(organization=organization)
    post(client, "interaction_edit", interaction_data(confidential_notes=NOTE_CANARY + "-new"), interaction.pk)
    return interaction


def test_no_one_sees_a_confidential_note_in_the_history(manager_client):
    organization = OrganizationFactory()
    interaction = plant_and_change_the_notes(manager_client, organization)

    response = page(manager_client, "interaction_detail", interaction.pk)
    section = history_section(response)

    # A program manager reads the note on the page, and is told it changed...
    assert NOTE_CANARY + "-new" in response.content.decode()
    assert "Confidential notes: changed" in section
    # ...but no value, old or new, is ever in the history.
    assert NOTE_CANARY not in section
    assert NOTE_CANARY not in response.content.decode().replace(NOTE_CANARY + "-new", "")


@pytest.mark.parametrize("url_name", ["interaction_detail", "organization_detail"])
def test_leadership_history_never_fetches_a_confidential_note(leader_client, manager_client, url_name):
    organization = OrganizationFactory()
    interaction = plant_and_change_the_notes(manager_client, organization)
    pk = interaction.pk if url_name == "interaction_detail" else organization.pk
    page(leader_client, url_name, pk)  # warm the permission cache outside the measurement

    with CaptureQueriesContext(connection) as queries:
        response = page(leader_client, url_name, pk)

    assert NOTE_CANARY not in response.content.decode()
    assert "Confidential notes:" not in history_section(response)
    # Not fetched, so never decrypted: no query names the column.
    assert [query["sql"] for query in queries if "confidential_notes" in query["sql"]] == []


@time_machine.travel(AT_NOON, tick=False)
def test_the_request_page_tells_its_changes_with_choice_labels(manager_client, named_manager):
    organization = OrganizationFactory()
    post(manager_client, "request_create", request_data(), organization.pk)
    support_request = SupportRequest.objects.get(organization=organization)
    edited = request_data(status=RequestStatus.ACKNOWLEDGED, urgency=Urgency.NORMAL, amount_asked="350.00")
    post(manager_client, "request_edit", edited, support_request.pk)

    section = history_section(page(manager_client, "request_detail", support_request.pk))

    assert "5 Mar 2024 12:00 · Maya Okafor" in section
    assert f"Status: {RequestStatus.OPEN.label} → {RequestStatus.ACKNOWLEDGED.label}" in section
    assert f"Urgency: {Urgency.HIGH.label} → {Urgency.NORMAL.label}" in section
    assert "Amount asked: 300.00 → 350.00" in section


def test_a_request_made_in_the_portal_is_the_partners(manager_client):
    rosa = ContactFactory(name_or_alias="Rosa")
    support_request = said_by(SupportRequestFactory.build(organization=rosa.organization, submitted_by=rosa), rosa)
    support_request.save()

    section = history_section(page(manager_client, "request_detail", support_request.pk))

    assert "Rosa, in the portal" in section
    assert "Added" in section


def make_changes(count: int, organization, interaction, support_request, contact, tags) -> None:
    """`count` saves of each row, each changing something, as in real use."""
    for number in range(count):
        organization.keep_in_touch_days = 31 + number
        organization.save()
        organization.tags.set([tags[number % 2]])
        contact.role = f"Role {number}"
        contact.save()
        interaction.summary = f"Summary {number}"
        interaction.confidential_notes = f"Note {number}"
        interaction.save()
        interaction.contacts.set([contact] if number % 2 else [])
        support_request.amount_asked = Decimal(100 + number)
        support_request.save()


@pytest.mark.parametrize("who", ["manager_client", "leader_client"])
def test_the_history_costs_the_same_queries_for_2_or_20_changes(request, who, record_query_counts):
    organization = OrganizationFactory()
    contact = ContactFactory(organization=organization)
    interaction = Interaction.objects.create(organization=organization, happened_on=DAY, summary="x")
    support_request = SupportRequestFactory(organization=organization)
    tags = [TagFactory(), TagFactory()]
    client = request.getfixturevalue(who)
    urls = [
        ("partner", reverse("partners:organization_detail", args=[organization.pk])),
        ("interaction", reverse("partners:interaction_detail", args=[interaction.pk])),
        ("request", reverse("partners:request_detail", args=[support_request.pk])),
    ]

    def count_queries() -> dict[str, int]:
        counts = {}
        for name, url in urls:
            client.get(url)  # warm caches (content types, permissions) outside the measurement
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[name] = len(queries)
        return counts

    make_changes(2, organization, interaction, support_request, contact, tags)
    with_2 = count_queries()
    make_changes(18, organization, interaction, support_request, contact, tags)
    with_20 = count_queries()
    make_changes(30, organization, interaction, support_request, contact, tags)
    with_50 = count_queries()

    for name, _url in urls:
        record_query_counts(f"{name} history ({who.split('_')[0]}, 2/20)", with_2[name], with_20[name])
    assert with_2 == with_20 == with_50


def test_the_history_shows_the_latest_changes_only(manager_client):
    support_request = SupportRequestFactory()
    for number in range(HISTORY_LIMIT + 5):
        support_request.amount_asked = Decimal(number)
        support_request.save()

    response = page(manager_client, "request_detail", support_request.pk)

    assert len(response.context["history"]) == HISTORY_LIMIT
    # The oldest shown change is still told against the record before it.
    assert response.context["history"][-1].changes[0].old == "4.00"
