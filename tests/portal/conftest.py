"""A partner organization with a contact who has portal access, and a way
to sign in as them the way a person does: follow the emailed link, press
the button."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partners.models import PortalAccess
from portal.emails import send_sign_in_link
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, SupportDeliveryFactory

CANARY = "CANARY-portal-3f9a never visit the office"
LINK = re.compile(r"https?://[^/\s]+(/portal/link/[^/\s]+/)")


def link_in_last_email() -> str:
    return LINK.search(mail.outbox[-1].body)[1]


def give_access(contact, by=None) -> PortalAccess:
    return PortalAccess.objects.create(contact=contact, invited_by=by, invited_at=timezone.now())


def signed_in(contact) -> Client:
    """A browser signed in as `contact` (given access if need be)."""
    access = PortalAccess.objects.filter(contact=contact).first() or give_access(contact)
    assert send_sign_in_link(access)
    client = Client()
    assert client.post(link_in_last_email()).status_code == 302
    return client


@pytest.fixture
def partner(db):
    """Rosa of Night Owl Crew, with a colleague, an interaction with a
    confidential note, a request with a delivery and support nobody asked
    for."""
    organization = OrganizationFactory(name="Night Owl Crew", contact_preferences="Phone first.")
    rosa = ContactFactory(organization=organization, name_or_alias="Rosa", email="rosa@owl.example", phone="555-0100")
    colleague = ContactFactory(
        organization=organization, name_or_alias="Val", email="val@owl.example", phone="555-0199"
    )
    InteractionFactory(organization=organization, summary="Planned the winter drop-in.", confidential_notes=CANARY)
    delivery = SupportDeliveryFactory(request__organization=organization, description="Booked the hall.")
    unasked = SupportDeliveryFactory(request=None, organization=organization, description="Gave naloxone kits.")
    return {
        "organization": organization,
        "rosa": rosa,
        "colleague": colleague,
        "request": delivery.request,
        "delivery": delivery,
        "unasked": unasked,
    }


@pytest.fixture
def rosa(partner) -> Client:
    return signed_in(partner["rosa"])


@pytest.fixture
def other_partner(db):
    organization = OrganizationFactory(name="Velvet Hour Outreach")
    contact = ContactFactory(organization=organization, name_or_alias="Kim", email="kim@velvet.example")
    delivery = SupportDeliveryFactory(request__organization=organization)
    return {"organization": organization, "contact": contact, "request": delivery.request, "delivery": delivery}


def url(name: str, *args) -> str:
    return reverse(f"portal:{name}", args=args)
