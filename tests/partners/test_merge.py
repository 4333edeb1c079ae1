"""Merging a partner (or a contact) entered twice: the confirmation page says
what moves, the POST moves everything to the kept record, leaves no orphan,
merges namesake contacts, and writes history and the audit trail."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from audit.models import AuditAction, AuditEvent
from partners.models import (
    Contact,
    DeletionRequest,
    DeliveryConfirmation,
    Interaction,
    Organization,
    PortalAccess,
    SupportDelivery,
    SupportRequest,
)
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, TagFactory, busy_partner

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def merge_url(kept) -> str:
    return reverse("partners:organization_merge", args=[kept.pk])


@pytest.fixture
def pair(program_manager):
    """The kept partner and its duplicate, which has some of everything and
    a contact of the same name as one of the kept partner's."""
    kept = OrganizationFactory(name="Night Owl Naloxone Crew", service_area="", description="Ours.")
    kept.tags.add(TagFactory(name="harm reduction"))
    ContactFactory(organization=kept, name_or_alias="Rosa", email="", phone="")
    removed = busy_partner(logged_by=program_manager)
    removed.name, removed.service_area, removed.description = "night owl naloxone crew", "Eastside", "Theirs."
    removed.do_not_name_publicly = True
    removed.save()
    rosa = removed.contacts.first()
    rosa.name_or_alias, rosa.phone = "Rosa", "555-0100"
    rosa.save()
    delivery = removed.deliveries.exclude(request=None).get()
    DeliveryConfirmation.objects.create(delivery=delivery, received="received", contact=rosa)
    PortalAccess.objects.create(contact=rosa, invited_by=program_manager, invited_at=timezone.now())
    return kept, removed


def test_the_choice_suggests_similar_names(manager_client, pair):
    kept, removed = pair

    response = manager_client.get(merge_url(kept))

    assert response.status_code == 200
    assert f'href="?other={removed.pk}"' in response.content.decode()


def test_the_confirmation_page_says_what_moves_and_which_fields_are_filled(manager_client, pair):
    kept, removed = pair

    response = manager_client.get(merge_url(kept), {"other": removed.pk})

    page = text(response)
    assert response.status_code == 200
    for said in ("2 contacts", "1 interaction", "1 request", "2 deliveries", "1 confirmation by the partner"):
        assert said in page
    assert "1 contact with portal access" in page
    assert "Rosa" in page  # the namesake that is merged
    assert "service area" in page
    assert "asked not to be named publicly" in page
    assert "cannot be undone" in page


def test_the_confirmation_page_costs_the_same_queries_however_much_moves(manager_client, program_manager):
    kept = OrganizationFactory()
    few, many = busy_partner(interactions=2, requests=2), busy_partner(interactions=20, requests=20)

    def queries(removed):
        manager_client.get(merge_url(kept), {"other": removed.pk})
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(merge_url(kept), {"other": removed.pk}).status_code == 200
        return len(captured)

    assert queries(few) == queries(many)


def test_merging_moves_everything_and_leaves_no_orphan(manager_client, program_manager, pair):
    kept, removed = pair
    removed_pk = removed.pk
    interactions = set(removed.interactions.values_list("pk", flat=True))

    response = manager_client.post(merge_url(kept), {"other": removed_pk, "confirm": "1"})

    assert response.status_code == 302
    assert response["Location"] == kept.get_absolute_url()
    assert not Organization.objects.filter(pk=removed_pk).exists()
    for model in (Contact, Interaction, SupportRequest, SupportDelivery):
        assert not model.objects.filter(organization_id=removed_pk).exists()
    assert set(kept.interactions.values_list("pk", flat=True)) == interactions
    assert kept.requests.count() == 1
    assert kept.deliveries.count() == 2
    assert kept.tags.count() == 3  # its own and the other's two
    kept.refresh_from_db()
    assert kept.description == "Ours."  # kept's own
    assert kept.service_area == "Eastside"  # a blank filled in
    assert kept.do_not_name_publicly


def test_contacts_of_the_same_name_become_one(manager_client, pair):
    kept, removed = pair
    theirs_rosa = removed.contacts.get(name_or_alias="Rosa")
    interaction = removed.interactions.get()

    manager_client.post(merge_url(kept), {"other": removed.pk, "confirm": "1"})

    rosa = kept.contacts.get(name_or_alias="Rosa")
    assert kept.contacts.count() == 2
    assert not Contact.objects.filter(pk=theirs_rosa.pk).exists()
    assert rosa.phone == "555-0100"
    assert rosa in Interaction.objects.get(pk=interaction.pk).contacts.all()
    assert PortalAccess.objects.get().contact == rosa
    assert DeliveryConfirmation.objects.get().contact == rosa


def test_merging_writes_history_and_audit(manager_client, program_manager, pair):
    kept, removed = pair

    manager_client.post(merge_url(kept), {"other": removed.pk, "confirm": "1"})

    gone = Organization.history.filter(id=removed.pk).latest()
    assert gone.history_type == "-"
    assert gone.history_user == program_manager
    moved = Interaction.history.filter(organization_id=kept.pk).latest()
    assert moved.history_user == program_manager
    event = AuditEvent.objects.get(action=AuditAction.PARTNERS_MERGED)
    assert event.target == f"partner #{removed.pk} into #{kept.pk}"


def test_merging_a_partner_with_itself_is_refused(manager_client, pair):
    kept, _removed = pair

    assert manager_client.get(merge_url(kept), {"other": kept.pk}).status_code == 400
    assert manager_client.post(merge_url(kept), {"other": kept.pk, "confirm": "1"}).status_code == 400
    assert Organization.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize("other", ["", "abc", "987654", "1.5"])
def test_bad_choices_are_400(manager_client, pair, other):
    kept, _removed = pair

    assert manager_client.get(merge_url(kept), {"other": other}).status_code == 400


def test_a_post_without_confirmation_merges_nothing(manager_client, pair):
    kept, removed = pair

    response = manager_client.post(merge_url(kept), {"other": removed.pk})

    assert response.status_code == 400
    assert Organization.objects.filter(pk=removed.pk).exists()


def test_a_partner_that_asked_to_be_deleted_is_not_merged_away(manager_client, pair):
    kept, removed = pair
    DeletionRequest.objects.create(organization=removed)

    response = manager_client.post(merge_url(kept), {"other": removed.pk, "confirm": "1"})

    assert response.status_code == 409
    assert Organization.objects.filter(pk=removed.pk).exists()


def test_leadership_may_not_merge(leader_client, pair):
    kept, removed = pair

    assert leader_client.get(merge_url(kept)).status_code == 403
    assert leader_client.post(merge_url(kept), {"other": removed.pk, "confirm": "1"}).status_code == 403
    assert Organization.objects.filter(pk=removed.pk).exists()


# --- two contacts of one partner ---------------------------------------------------


def test_merging_two_contacts_moves_presence_invitations_and_fills_blanks(manager_client, program_manager):
    from tests.factories import InvitationFactory, RoundFactory

    organization = OrganizationFactory()
    kept = ContactFactory(organization=organization, name_or_alias="Rosa", phone="")
    removed = ContactFactory(organization=organization, name_or_alias="Rosa M.", phone="555-0199", opted_out=True)
    interaction = InteractionFactory(organization=organization)
    interaction.contacts.add(removed)
    both = InteractionFactory(organization=organization)
    both.contacts.add(kept, removed)
    shared_round = RoundFactory()
    InvitationFactory(round=shared_round, recipient=None, contact=kept)
    InvitationFactory(round=shared_round, recipient=None, contact=removed)
    InvitationFactory(recipient=None, contact=removed)
    PortalAccess.objects.create(contact=removed, invited_by=program_manager, invited_at=timezone.now())
    url = reverse("partners:contact_merge", args=[kept.pk])

    page = text(manager_client.get(url, {"other": removed.pk}))
    response = manager_client.post(url, {"other": removed.pk, "confirm": "1"})

    assert "Present at 2 interactions" in page
    assert "opted out of all messages" in page
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=removed.pk).exists()
    kept.refresh_from_db()
    assert kept.phone == "555-0199"
    assert kept.opted_out
    assert list(interaction.contacts.all()) == [kept]
    assert list(both.contacts.all()) == [kept]
    assert kept.invitations.count() == 2  # one per round
    assert PortalAccess.objects.get().contact == kept
    assert AuditEvent.objects.filter(action=AuditAction.CONTACTS_MERGED).exists()


def test_a_contact_of_another_partner_cannot_be_chosen(manager_client):
    kept, elsewhere = ContactFactory(), ContactFactory()
    url = reverse("partners:contact_merge", args=[kept.pk])

    assert manager_client.get(url, {"other": elsewhere.pk}).status_code == 400
    assert manager_client.post(url, {"other": elsewhere.pk, "confirm": "1"}).status_code == 400
    assert manager_client.post(url, {"other": kept.pk, "confirm": "1"}).status_code == 400
    assert Contact.objects.count() == 2
