"""Deleting a record entered by mistake: the confirmation page counts what
goes with it, the POST writes history and the audit trail, and Undo puts it
all back (children and links too) within settings.UNDO_MINUTES, never after."""

import datetime
import html
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from audit.models import AuditAction, AuditEvent
from partners.models import (
    Contact,
    DeletedRecord,
    DeliveryConfirmation,
    Interaction,
    Organization,
    PortalAccess,
    SupportDelivery,
    SupportRequest,
)
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganizationFactory,
    SupportDeliveryFactory,
    SupportRequestFactory,
    busy_partner,
)

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "1"}


def text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def delete(client, name: str, pk: int):
    return client.post(reverse(f"partners:{name}_delete", args=[pk]), CONFIRM)


def undo(client, deleted: DeletedRecord):
    return client.post(reverse("partners:deletion_undo", args=[deleted.pk]), CONFIRM)


@pytest.fixture
def partner(program_manager):
    """busy_partner: 2 tags, 2 contacts present at 1 interaction, 1 request
    with 1 delivery, 1 unrequested delivery; plus a confirmation and portal access."""
    organization = busy_partner(logged_by=program_manager)
    delivery = organization.deliveries.exclude(request=None).get()
    contact = organization.contacts.first()
    DeliveryConfirmation.objects.create(delivery=delivery, received="received", contact=contact)
    PortalAccess.objects.create(contact=contact, invited_by=program_manager, invited_at=timezone.now())
    return organization


def test_the_partner_page_offers_delete_and_merge_to_program_managers_only(manager_client, leader_client, partner):
    url = partner.get_absolute_url()

    assert reverse("partners:organization_delete", args=[partner.pk]) in manager_client.get(url).content.decode()
    assert reverse("partners:organization_merge", args=[partner.pk]) in manager_client.get(url).content.decode()
    assert reverse("partners:organization_delete", args=[partner.pk]) not in leader_client.get(url).content.decode()


def test_the_confirmation_page_counts_what_goes_with_a_partner(manager_client, partner):
    response = manager_client.get(reverse("partners:organization_delete", args=[partner.pk]))

    page = text(response)
    assert response.status_code == 200
    for said in ("2 contacts", "1 interaction", "1 request", "2 deliveries", "1 confirmation by the partner"):
        assert said in page
    assert "1 contact's portal access" in page
    assert "its 2 tags" in page


def test_the_confirmation_page_costs_the_same_queries_however_much_goes(manager_client, program_manager):
    few, many = busy_partner(interactions=2, requests=2), busy_partner(interactions=20, requests=20)

    def queries(organization):
        url = reverse("partners:organization_delete", args=[organization.pk])
        manager_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(url).status_code == 200
        return len(captured)

    assert queries(few) == queries(many)


def test_deleting_a_partner_takes_its_rows_with_history_and_audit(manager_client, program_manager, partner):
    pk = partner.pk
    contacts = list(partner.contacts.values_list("pk", flat=True))

    response = delete(manager_client, "organization", pk)

    deleted = DeletedRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:deletion_undo", args=[deleted.pk])
    assert not Organization.objects.filter(pk=pk).exists()
    assert not Contact.objects.filter(pk__in=contacts).exists()
    assert not Interaction.objects.filter(organization_id=pk).exists()
    assert not SupportDelivery.objects.filter(organization_id=pk).exists()
    assert not PortalAccess.objects.exists()
    gone = Organization.history.filter(id=pk).latest()
    assert gone.history_type == "-"
    assert gone.history_user == program_manager
    assert Contact.history.filter(id__in=contacts, history_type="-").count() == 2
    event = AuditEvent.objects.get(action=AuditAction.MISTAKE_DELETED)
    assert event.user == program_manager
    assert event.target == f"organization #{pk}"
    assert partner.name not in event.target


def test_undo_puts_back_a_partner_with_its_children_and_links(manager_client, partner):
    pk = partner.pk
    before = {
        "tags": set(partner.tags.values_list("pk", flat=True)),
        "present": set(Interaction.contacts.through.objects.values_list("interaction_id", "contact_id")),
        "created_at": partner.created_at,
        "deliveries": set(SupportDelivery.objects.values_list("pk", "request_id")),
    }
    delete(manager_client, "organization", pk)
    deleted = DeletedRecord.objects.get()

    response = undo(manager_client, deleted)

    restored = Organization.objects.get(pk=pk)
    assert response.status_code == 302
    assert response["Location"] == restored.get_absolute_url()
    assert set(restored.tags.values_list("pk", flat=True)) == before["tags"]
    assert set(Interaction.contacts.through.objects.values_list("interaction_id", "contact_id")) == before["present"]
    assert set(SupportDelivery.objects.values_list("pk", "request_id")) == before["deliveries"]
    assert restored.created_at == before["created_at"]
    assert restored.contacts.count() == 2
    assert DeliveryConfirmation.objects.count() == 1
    assert PortalAccess.objects.count() == 1
    assert Interaction.objects.get().confidential_notes == "Private detail."
    assert all("@example.org" in contact.email for contact in restored.contacts.all())
    assert Organization.history.filter(id=pk).latest().history_type in ("+", "~")
    assert AuditEvent.objects.filter(action=AuditAction.DELETION_UNDONE, target=f"organization #{pk}").exists()
    deleted.refresh_from_db()
    assert deleted.undone_at is not None


def test_undo_is_refused_after_the_time_and_changes_nothing(manager_client, partner, settings):
    delete(manager_client, "organization", partner.pk)
    deleted = DeletedRecord.objects.get()

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=settings.UNDO_MINUTES + 1)):
        page = manager_client.get(reverse("partners:deletion_undo", args=[deleted.pk]))
        response = undo(manager_client, deleted)

    assert "The time to undo it has passed" in text(page)
    assert response.status_code == 409
    assert not Organization.objects.filter(pk=partner.pk).exists()


def test_undo_just_before_the_time_is_up_works(manager_client, partner, settings):
    delete(manager_client, "organization", partner.pk)
    deleted = DeletedRecord.objects.get()

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=settings.UNDO_MINUTES - 1)):
        response = undo(manager_client, deleted)

    assert response.status_code == 302
    assert Organization.objects.filter(pk=partner.pk).exists()


def test_undo_twice_is_refused(manager_client, partner):
    delete(manager_client, "organization", partner.pk)
    deleted = DeletedRecord.objects.get()
    undo(manager_client, deleted)

    assert undo(manager_client, deleted).status_code == 409


def test_undo_is_refused_when_the_name_was_taken_since(manager_client, partner):
    delete(manager_client, "organization", partner.pk)
    OrganizationFactory(name=partner.name)

    response = undo(manager_client, DeletedRecord.objects.get())

    assert response.status_code == 409
    assert "added since" in text(response)
    assert not Organization.objects.filter(pk=partner.pk).exists()


def test_deleting_a_contact_removes_them_from_people_present_and_undo_puts_them_back(manager_client, partner):
    contact = partner.contacts.filter(portal_access__isnull=False).get()
    interaction = partner.interactions.get()
    confirmation = DeliveryConfirmation.objects.get()

    page = text(manager_client.get(reverse("partners:contact_delete", args=[contact.pk])))
    delete(manager_client, "contact", contact.pk)

    assert "removed from the people present at 1 interaction" in page
    assert "Their portal access ends" in page
    assert contact not in interaction.contacts.all()
    confirmation.refresh_from_db()
    assert confirmation.contact_id is None

    undo(manager_client, DeletedRecord.objects.get())

    assert set(interaction.contacts.values_list("pk", flat=True)) == set(partner.contacts.values_list("pk", flat=True))
    confirmation.refresh_from_db()
    assert confirmation.contact_id == contact.pk
    assert PortalAccess.objects.filter(contact=contact).exists()


def test_deleting_an_interaction_and_undo(manager_client, partner):
    interaction = partner.interactions.get()
    present = set(interaction.contacts.values_list("pk", flat=True))

    assert "2 people are no longer recorded as present" in text(
        manager_client.get(reverse("partners:interaction_delete", args=[interaction.pk]))
    )
    delete(manager_client, "interaction", interaction.pk)
    assert not Interaction.objects.exists()

    undo(manager_client, DeletedRecord.objects.get())

    assert set(Interaction.objects.get(pk=interaction.pk).contacts.values_list("pk", flat=True)) == present


def test_deleting_a_request_leaves_its_deliveries_unrequested_until_undone(manager_client, program_manager):
    support_request = SupportRequestFactory(amount_asked=Decimal(50))
    delivery = SupportDeliveryFactory(request=support_request, money=Decimal(20))

    page = text(manager_client.get(reverse("partners:request_delete", args=[support_request.pk])))
    delete(manager_client, "request", support_request.pk)

    assert "Its 1 delivery stays, shown as unrequested" in page
    delivery.refresh_from_db()
    assert delivery.request_id is None
    assert delivery.history.latest().history_user == program_manager

    undo(manager_client, DeletedRecord.objects.get())

    delivery.refresh_from_db()
    assert delivery.request_id == support_request.pk


def test_deleting_a_delivery_from_its_edit_page(manager_client):
    delivery = SupportDeliveryFactory()

    edit_page = manager_client.get(reverse("partners:delivery_edit", args=[delivery.pk])).content.decode()
    delete(manager_client, "delivery", delivery.pk)
    assert reverse("partners:delivery_delete", args=[delivery.pk]) in edit_page
    assert not SupportDelivery.objects.exists()

    response = undo(manager_client, DeletedRecord.objects.get())

    assert response["Location"] == reverse("partners:delivery_edit", args=[delivery.pk])
    assert SupportDelivery.objects.filter(pk=delivery.pk).exists()


def test_a_contact_deleted_then_its_partner_deleted_cannot_come_back_alone(manager_client):
    contact = ContactFactory()
    delete(manager_client, "contact", contact.pk)
    first = DeletedRecord.objects.get()
    delete(manager_client, "organization", contact.organization_id)

    response = undo(manager_client, first)

    assert response.status_code == 409
    assert "has been deleted since" in text(response)


def test_any_program_manager_may_undo(manager_client, partner):
    from django.test import Client

    from core.roles import PROGRAM_MANAGERS
    from tests.factories import UserFactory

    delete(manager_client, "organization", partner.pk)
    colleague = Client()
    colleague.force_login(UserFactory(username="colleague", groups=[PROGRAM_MANAGERS]))

    assert undo(colleague, DeletedRecord.objects.get()).status_code == 302


def test_a_bare_post_deletes_nothing(manager_client, partner):
    response = manager_client.post(reverse("partners:organization_delete", args=[partner.pk]), {"matrix": "1"})

    assert response.status_code == 400
    assert Organization.objects.filter(pk=partner.pk).exists()


def test_a_partner_that_asked_to_be_deleted_is_deleted_at_its_request_instead(manager_client, partner):
    from partners.models import DeletionRequest

    DeletionRequest.objects.create(organization=partner)

    response = delete(manager_client, "organization", partner.pk)

    assert response.status_code == 409
    assert Organization.objects.filter(pk=partner.pk).exists()


@pytest.mark.parametrize("name", ["organization", "contact", "interaction", "request", "delivery"])
def test_leadership_may_not_delete(leader_client, sample_rows, name):
    row = getattr(sample_rows, name)

    assert leader_client.get(reverse(f"partners:{name}_delete", args=[row.pk])).status_code == 403
    assert delete(leader_client, name, row.pk).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_leadership_may_not_undo(manager_client, leader_client, partner):
    delete(manager_client, "organization", partner.pk)

    assert undo(leader_client, DeletedRecord.objects.get()).status_code == 403
    assert not Organization.objects.filter(pk=partner.pk).exists()


def test_a_missing_record_is_404(manager_client):
    assert delete(manager_client, "interaction", 987654).status_code == 404
    assert manager_client.get(reverse("partners:deletion_undo", args=[987654])).status_code == 404


def test_survey_invitations_are_said_to_be_lost(manager_client):
    from tests.factories import InvitationFactory, RoundFactory

    contact = ContactFactory()
    InvitationFactory(round=RoundFactory(), recipient=None, contact=contact)

    page = text(manager_client.get(reverse("partners:contact_delete", args=[contact.pk])))

    assert "1 survey invitation (who was sent what) is deleted and does not come back with Undo" in page


def test_an_interaction_with_nobody_present_is_deleted_too(manager_client):
    interaction = InteractionFactory()

    delete(manager_client, "interaction", interaction.pk)

    assert not Interaction.objects.exists()
    assert SupportRequest.objects.count() == 0
