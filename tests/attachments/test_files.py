"""Files attached to partners, interactions and deliveries: stored
encrypted, served only as downloads to staff who may see them, a
confidential one invisible to anyone who may not read confidential notes,
and refused when they are not what their name says, empty or too large."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils.html import strip_tags

from attachments.models import Attachment
from audit.models import AuditAction, AuditEvent
from partners.models import Organization
from tests.factories import InteractionFactory, OrganizationFactory, SupportDeliveryFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SECRET = "Rosa-agreement-signed"


def text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def upload(client, url_name: str, pk: int, name: str, data: bytes, **extra):
    return client.post(reverse(url_name, args=[pk]), {"file": SimpleUploadedFile(name, data), **extra})


@pytest.fixture
def partner():
    return OrganizationFactory(name="Night Owl Naloxone Crew")


def test_a_manager_attaches_a_pdf_to_a_partner_and_downloads_it_back(manager_client, partner):
    response = upload(manager_client, "attachments:upload_partner", partner.pk, f"C:\\Users\\me\\{SECRET}.pdf", PDF)

    assert response.status_code == 302 and response.url == partner.get_absolute_url()
    attachment = Attachment.objects.get()
    assert attachment.name == f"{SECRET}.pdf"  # the folder a browser sent is dropped
    page = manager_client.get(partner.get_absolute_url())
    assert f"{SECRET}.pdf" in text(page) and "PDF document" in text(page)
    downloaded = manager_client.get(attachment.get_absolute_url())
    assert downloaded.content == PDF
    assert downloaded["Content-Type"] == "application/pdf"
    assert downloaded["Content-Disposition"].startswith("attachment;")
    assert downloaded["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, target=f"File #{attachment.pk}").exists()


def test_a_database_reader_sees_neither_the_name_nor_the_bytes(manager_client, partner):
    upload(manager_client, "attachments:upload_partner", partner.pk, f"{SECRET}.txt", SECRET.encode())

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM attachments_attachment")
        (name,) = cursor.fetchone()
        cursor.execute("SELECT data FROM attachments_attachmentcontent")
        (data,) = cursor.fetchone()
    assert SECRET not in name
    assert SECRET.encode() not in bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00 this is a program", "whose content matches its name"),
        ("photo.pdf", PNG, "whose content matches its name"),
        ("program.exe", b"MZ\x90\x00", "whose content matches its name"),
        ("notes.txt", b"binary\x00\x01\x02", "whose content matches its name"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(manager_client, partner, name, data, message):
    response = upload(manager_client, "attachments:upload_partner", partner.pk, name, data)

    assert response.status_code == 400
    assert message in text(response) and "Nothing has been saved." in text(response)
    assert not Attachment.objects.exists()


@override_settings(ATTACHMENT_MAX_BYTES=100)
def test_a_file_over_the_limit_is_refused(manager_client, partner):
    response = upload(manager_client, "attachments:upload_partner", partner.pk, "big.pdf", PDF + b" " * 70_000)

    assert response.status_code == 413  # refused before the body is read: larger than any allowed file
    assert "too large" in text(response)
    response = upload(manager_client, "attachments:upload_partner", partner.pk, "big.pdf", PDF + b" " * 70)
    assert response.status_code == 400 and "files can be at most 100" in text(response)
    assert not Attachment.objects.exists()


def test_no_file_chosen_is_refused_with_what_to_do(manager_client, partner):
    response = manager_client.post(reverse("attachments:upload_partner", args=[partner.pk]), {})

    assert response.status_code == 400 and "Choose a file to attach." in text(response)


def test_a_confidential_file_does_not_exist_for_leadership(manager_client, leader_client):
    interaction = InteractionFactory()
    upload(
        manager_client, "attachments:upload_interaction", interaction.pk, f"{SECRET}.txt", b"notes", confidential="on"
    )
    upload(manager_client, "attachments:upload_interaction", interaction.pk, "flyer.png", PNG)
    secret, flyer = Attachment.objects.get(confidential=True), Attachment.objects.get(confidential=False)

    assert SECRET in text(manager_client.get(interaction.get_absolute_url()))
    page = leader_client.get(interaction.get_absolute_url())
    assert SECRET not in page.content.decode() and "flyer.png" in text(page)
    assert leader_client.get(secret.get_absolute_url()).status_code == 404
    assert leader_client.get(flyer.get_absolute_url()).content == PNG
    # Leadership attaches nothing.
    assert upload(leader_client, "attachments:upload_interaction", interaction.pk, "x.png", PNG).status_code == 403


def test_only_interactions_offer_confidential_files(manager_client, partner):
    upload(manager_client, "attachments:upload_partner", partner.pk, "a.pdf", PDF, confidential="on")

    assert Attachment.objects.get().confidential is False
    assert "Part of the confidential notes" not in manager_client.get(partner.get_absolute_url()).content.decode()


def test_a_receipt_is_attached_to_a_delivery_on_its_edit_page(manager_client):
    delivery = SupportDeliveryFactory()
    edit = reverse("partners:delivery_edit", args=[delivery.pk])
    form_action = f'action="{reverse("attachments:upload_delivery", args=[delivery.pk])}"'
    assert form_action in manager_client.get(edit).content.decode()

    response = upload(manager_client, "attachments:upload_delivery", delivery.pk, "receipt.pdf", PDF)

    assert response.status_code == 302 and response.url == edit
    assert "receipt.pdf" in text(manager_client.get(edit))


def test_a_file_attached_by_mistake_is_deleted_after_a_confirmation(manager_client, partner):
    upload(manager_client, "attachments:upload_partner", partner.pk, "wrong.pdf", PDF)
    attachment = Attachment.objects.get()
    url = reverse("attachments:delete", args=[attachment.pk])

    assert "Undo does not bring files back" in text(manager_client.get(url))
    response = manager_client.post(url)

    assert response.status_code == 302 and response.url == partner.get_absolute_url()
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.MISTAKE_DELETED, target=f"File #{attachment.pk}").exists()


def test_deleting_a_partner_says_its_files_go_for_good(manager_client, partner):
    upload(manager_client, "attachments:upload_partner", partner.pk, "agreement.pdf", PDF)
    interaction = InteractionFactory(organization=partner)
    upload(manager_client, "attachments:upload_interaction", interaction.pk, "flyer.png", PNG)

    page = manager_client.get(reverse("partners:organization_delete", args=[partner.pk]))

    assert "2 attached files are deleted for good: Undo does not bring them back." in text(page)


def test_merging_moves_the_files_attached_to_the_partner_kept(manager_client, partner):
    duplicate = OrganizationFactory(name="night owl naloxone crew (old)")
    upload(manager_client, "attachments:upload_partner", duplicate.pk, "agreement.pdf", PDF)

    merge = reverse("partners:organization_merge", args=[partner.pk])
    assert "1 file attached to the partner" in text(manager_client.get(merge, {"other": duplicate.pk}))
    manager_client.post(merge, {"other": duplicate.pk, "confirm": "1"})

    assert not Organization.objects.filter(pk=duplicate.pk).exists()
    assert Attachment.objects.get().organization == partner


def test_a_body_size_the_client_cannot_state_is_refused_not_a_server_error(manager_client, partner):
    url = reverse("attachments:upload_partner", args=[partner.pk])

    response = manager_client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}, CONTENT_LENGTH="lots")

    assert response.status_code == 413 and not Attachment.objects.exists()
