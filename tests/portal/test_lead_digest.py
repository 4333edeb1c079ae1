"""The relationship lead hears in their daily digest what their partners
changed in the portal the day before: contacts, how to reach them, requests,
what they said of deliveries, a deletion request. Names only; nothing of
another lead's partners, of another day, or of a change staff made."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digests.models import DigestKind
from partners.follow_ups import follow_up_content
from partners.models import Organization
from tests.digests.test_sending import _send_all
from tests.factories import ContactFactory, OrganizationFactory, SupportDeliveryFactory, UserFactory

from .conftest import signed_in, url

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)


def at(day: datetime.date, hour: int = 12):
    return time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), tick=False)


@pytest.fixture
def lead(partner):
    user = UserFactory(username="dana", first_name="Dana", email="dana@example.org", groups=["Program managers"])
    Organization.objects.filter(pk=partner["organization"].pk).update(relationship_lead=user, keep_in_touch_days=730)
    return user


def _partner_busy_yesterday(partner):
    with at(TODAY - datetime.timedelta(days=1)):
        rosa = signed_in(partner["rosa"])
        rosa.post(
            url("contact_edit", partner["rosa"].pk),
            {"name_or_alias": "Rosa", "phone": "555-0111", "email": "rosa@owl.example", "language": "en", "role": ""},
        )
        rosa.post(url("preferences"), {"contact_preferences": "Text only, after 6 pm."})
        rosa.post(url("ask"), {"category": "supplies", "description": "Naloxone for the van."})
        rosa.post(url("delivery_confirm", partner["delivery"].pk), {"received": "partly"})
        rosa.post(url("contact_remove", partner["colleague"].pk))


def test_the_lead_reads_what_the_partner_changed_yesterday(partner, lead):
    _partner_busy_yesterday(partner)

    mail.outbox.clear()  # the sign-in links
    with at(TODAY, 8):
        _send_all(DigestKind.FOLLOW_UP, TODAY)

    assert [message.to for message in mail.outbox] == [["dana@example.org"]]
    body = mail.outbox[0].body
    assert "Changes partners made in the portal yesterday" in body
    for said in (
        "Night Owl Crew: Rosa updated the details of Rosa",
        "Rosa changed how to reach them safely, or whether to name them in public",
        "Rosa asked for support: Supplies",
        "Rosa said of a delivery (Booked the hall.): Partly received",
        "Rosa removed the contact Val",
    ):
        assert said in body
    assert "of Val" not in body  # removed is all that matters
    # Names only: never an address, a phone number or what the partner wrote.
    for detail in ("555-0111", "rosa@owl.example", "Text only", "Naloxone"):
        assert detail not in body
    assert "5 changes in the portal" in mail.outbox[0].subject
    assert "Changes partners made in the portal yesterday" in mail.outbox[0].alternatives[0][0]


def test_not_another_day_not_another_lead_s_partner_not_staff(partner, lead, manager_client):
    other = OrganizationFactory(name="Velvet Hour", relationship_lead=UserFactory(), keep_in_touch_days=730)
    kim = ContactFactory(organization=other, name_or_alias="Kim", email="kim@velvet.example")
    with at(TODAY - datetime.timedelta(days=2)):  # the day before yesterday
        signed_in(partner["rosa"]).post(url("preferences"), {"contact_preferences": "Old news."})
    with at(TODAY - datetime.timedelta(days=1)):
        signed_in(kim).post(url("preferences"), {"contact_preferences": "Not Dana's partner."})
        # A change staff made is in the history, but not a portal change.
        manager_client.post(
            partner["organization"].get_absolute_url() + "edit/", {"name": "Night Owl Crew", "stage": "identified"}
        )

    mail.outbox.clear()  # the sign-in links
    with at(TODAY, 8):
        assert follow_up_content(lead, TODAY)["portal_changes"] == []
        _send_all(DigestKind.FOLLOW_UP, TODAY)

    # Dana has nothing to hear about; Velvet Hour's lead hears of Kim's change.
    assert [message.to for message in mail.outbox] == [[other.relationship_lead.email]]
    assert "Velvet Hour: Kim changed how to reach them" in mail.outbox[0].body


def test_the_list_costs_the_same_queries_with_more_changes(partner, lead):
    def queries() -> int:
        with at(TODAY, 8), CaptureQueriesContext(connection) as captured:
            follow_up_content(lead, TODAY)
        return len(captured)

    _partner_busy_yesterday(partner)
    few = queries()
    with at(TODAY - datetime.timedelta(days=1)):
        for n in range(5):
            SupportDeliveryFactory(request=partner["request"])
            signed_in(partner["rosa"]).post(url("ask"), {"category": "training", "description": f"Session {n}."})

    assert queries() == few <= 14
