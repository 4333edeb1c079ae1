"""What a partner sees and does in the portal: its record (never the
confidential notes), corrections with history, requests, confirmations,
its data, deletion; and nothing of another organization."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction, AuditEvent
from partners.models import Contact, DeliveryConfirmation, Interaction, Organization, SupportRequest
from tests.factories import ContactFactory, SupportDeliveryFactory

from .conftest import CANARY, url

pytestmark = pytest.mark.django_db


def test_the_record_shows_what_we_keep_and_never_the_confidential_notes(rosa, partner):
    with CaptureQueriesContext(connection) as queries:
        page = rosa.get(url("home"))
    html = page.content.decode()
    assert page.status_code == 200
    for shown in (
        "Night Owl Crew",
        "Phone first.",
        "Planned the winter drop-in.",
        "Booked the hall.",
        "Gave naloxone kits.",
        "rosa@owl.example",
        "555-0100",
        "Val",
        "private notes",
    ):
        assert shown in html, shown
    assert "val@owl.example" not in html and "555-0199" not in html  # each sees only their own
    assert CANARY not in html
    assert not [q for q in queries.captured_queries if "confidential_notes" in q["sql"]]


def test_the_record_costs_the_same_queries_with_more_rows(rosa, partner, record_query_counts):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert rosa.get(url("home")).status_code == 200
        return len(queries)

    few = count()
    for _ in range(5):
        SupportDeliveryFactory(request__organization=partner["organization"])
        ContactFactory(organization=partner["organization"])
    many = count()
    record_query_counts("portal record (2 / 7 requests)", few, many)
    assert few == many


def test_correcting_a_phone_number_keeps_who_and_when(rosa, partner):
    me = partner["rosa"]
    form = {"name_or_alias": "Rosa", "email": "rosa@owl.example", "phone": "555-0111", "language": "es"}
    assert rosa.post(url("contact_edit", me.pk), form).status_code == 302
    me.refresh_from_db()
    assert me.phone == "555-0111" and me.language == "es"
    latest = me.history.latest()
    assert latest.history_change_reason.startswith("portal: Rosa") and latest.history_user is None
    bad = rosa.post(url("contact_edit", me.pk), form | {"email": "not-an-email"})
    assert bad.status_code == 400
    me.refresh_from_db()
    assert me.email == "rosa@owl.example"


def test_a_colleague_s_email_and_phone_are_neither_shown_nor_changed(rosa, partner):
    colleague = partner["colleague"]
    page = rosa.get(url("contact_edit", colleague.pk))
    assert "val@owl.example" not in page.content.decode() and "email" not in page.context["form"].fields
    rosa.post(url("contact_edit", colleague.pk), {"name_or_alias": "Val R.", "language": "en", "email": "x@y.z"})
    colleague.refresh_from_db()
    assert (colleague.name_or_alias, colleague.email) == ("Val R.", "val@owl.example")


def test_never_email_holds_everywhere_at_once(rosa, partner):
    colleague = partner["colleague"]
    rosa.post(url("contact_edit", colleague.pk), {"name_or_alias": "Val", "language": "en", "opted_out": "on"})
    assert not Contact.objects.can_receive_surveys().filter(pk=colleague.pk).exists()


def test_removing_a_contact_and_stopping_surveys(rosa, partner):
    colleague = partner["colleague"]
    assert rosa.get(url("contact_remove", colleague.pk)).status_code == 200
    rosa.post(url("surveys_stop", colleague.pk))
    colleague.refresh_from_db()
    assert not colleague.consent_to_surveys
    assert rosa.post(url("contact_remove", colleague.pk)).status_code == 302
    assert not Contact.objects.filter(pk=colleague.pk).exists()


def test_a_request_made_in_the_portal_is_the_partner_s_own(rosa, partner, manager_client):
    assert rosa.post(url("ask"), {"category": "training", "description": ""}).status_code == 400
    assert (
        rosa.post(url("ask"), {"category": "training", "description": "x", "needed_by": "1999-01-01"}).status_code
        == 400
    )
    answer = rosa.post(url("ask"), {"category": "training", "description": "Naloxone training for 8 volunteers"})
    asked = SupportRequest.objects.get(description__startswith="Naloxone")
    assert answer["Location"] == url("request_detail", asked.pk)
    assert (asked.initiated_by, asked.submitted_by, asked.status) == ("partner", partner["rosa"], "open")
    staff_page = manager_client.get(asked.get_absolute_url()).content.decode()
    assert "asked in the portal by Rosa" in staff_page


def test_confirming_a_delivery_partly_shows_to_staff(rosa, partner, manager_client):
    delivery = partner["delivery"]
    page = rosa.get(url("delivery_confirm", delivery.pk))
    assert "not an anonymous survey" in page.content.decode()
    assert rosa.post(url("delivery_confirm", delivery.pk), {}).status_code == 400
    form = {"received": "partly", "helped": "somewhat", "comment": "Half the kits came."}
    assert rosa.post(url("delivery_confirm", delivery.pk), form).status_code == 302
    confirmation = DeliveryConfirmation.objects.get()
    assert (confirmation.received, confirmation.contact) == ("partly", partner["rosa"])
    request_page = manager_client.get(delivery.request.get_absolute_url()).content.decode()
    assert "The partner says: Partly received (Rosa" in request_page and "Half the kits came." in request_page
    home = manager_client.get("/").content.decode()
    assert "Partners told us in the portal" in home and "Half the kits came." in home


def test_the_download_holds_what_the_page_shows(rosa, partner):
    exported = rosa.get(url("export_json"))
    data = json.loads(exported.content)
    assert set(data) == {"organization", "contacts", "requests", "deliveries", "interactions"}
    text = exported.content.decode()
    assert CANARY not in text and "val@owl.example" not in text and "rosa@owl.example" in text
    table = rosa.get(url("export_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0] == ["section", "item", "field", "value"]
    assert ["organization", "1", "name", "Night Owl Crew"] in rows
    assert CANARY not in table
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, target__startswith="portal:").count() == 2


def test_a_partner_asks_for_deletion_and_a_manager_carries_it_out(rosa, partner, manager_client):
    organization = partner["organization"]
    assert rosa.post(url("deletion"), {"reason": "We are closing."}).status_code == 400  # box not ticked
    assert rosa.post(url("deletion"), {"reason": "We are closing.", "sure": "on"}).status_code == 302
    staff_page = manager_client.get(organization.get_absolute_url()).content.decode()
    assert "asked in the portal" in staff_page and url("delete_record", organization.pk) in staff_page
    assert manager_client.get(url("delete_record", organization.pk)).status_code == 200
    assert manager_client.post(url("delete_record", organization.pk)).status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert not Organization.history.filter(id=organization.pk).exists()
    assert not Contact.history.filter(organization_id=organization.pk).exists()
    assert not Interaction.history.filter(organization_id=organization.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.RECORD_DELETED)
    assert event.target.startswith(f"partner #{organization.pk}") and "Night Owl" not in event.target
    assert rosa.get(url("home"))["Location"] == url("sign_in")  # nobody left to sign in


def test_deletion_needs_a_request_from_the_partner(partner, manager_client, leader_client):
    organization = partner["organization"]
    assert manager_client.get(url("delete_record", organization.pk)).status_code == 404
    assert leader_client.get(url("delete_record", organization.pk)).status_code == 403


@pytest.mark.parametrize(
    "name, of",
    [
        ("contact_edit", "contact"),
        ("contact_remove", "contact"),
        ("surveys_stop", "contact"),
        ("request_detail", "request"),
        ("delivery_confirm", "delivery"),
    ],
)
def test_nothing_of_another_organization(rosa, other_partner, name, of):
    target = other_partner[of]
    answers = [getattr(rosa, method)(url(name, target.pk), {"received": "received"}) for method in ("get", "post")]
    # 404 wherever the page takes the method (405 says nothing of the object).
    assert {answer.status_code for answer in answers} in ({404}, {404, 405})
    target.refresh_from_db()
    assert not DeliveryConfirmation.objects.exists()
    html = rosa.get(url("home")).content.decode() + rosa.get(url("export_json")).content.decode()
    assert "Velvet Hour" not in html and "Kim" not in html
