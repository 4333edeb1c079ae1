"""Contact emails and phone numbers are stored encrypted, in the table and its
history, and the migration that introduced that encrypted what was there."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from core.encrypted_fields import PREFIX
from partners.models import Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

EMAIL = "canary.contact@example.org"
PHONE = "+1 555 0199"


def raw_rows(table: str, where: str, value) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT email, phone FROM {table} WHERE {where} = %s", [value])  # noqa: S608
        return cursor.fetchall()


def test_email_and_phone_are_ciphertext_in_the_table_and_its_history():
    contact = ContactFactory(email=EMAIL, phone=PHONE)
    contact.phone = "+1 555 0100"
    contact.save()

    stored = raw_rows("partners_contact", "id", contact.pk) + raw_rows("partners_historicalcontact", "id", contact.pk)

    assert len(stored) == 3
    for email, phone in stored:
        assert email.startswith(PREFIX) and phone.startswith(PREFIX)
        assert EMAIL not in email and "0199" not in phone and "0100" not in phone
    assert Contact.objects.get(pk=contact.pk).email == EMAIL


def test_contacts_without_email_are_still_found_for_surveys():
    ContactFactory(email="", consent_to_surveys=False)
    with_email = ContactFactory(email=EMAIL)

    assert list(Contact.objects.exclude(email="")) == [with_email]
    assert raw_rows("partners_contact", "email", "") != []


def _editor():
    """What the data step uses of a schema editor (SQLite refuses a real one
    inside a test's transaction)."""
    return SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)


def test_the_migration_encrypts_plain_text_already_stored_and_can_undo_it():
    migration = importlib.import_module("partners.migrations.0003_encrypt_contact_details")
    contact = ContactFactory(email=EMAIL, phone=PHONE)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE partners_contact SET email = %s, phone = %s WHERE id = %s", [EMAIL, PHONE, contact.pk])

    migration.encrypt_existing(None, _editor())
    [(email, phone)] = raw_rows("partners_contact", "id", contact.pk)
    assert email.startswith(PREFIX) and phone.startswith(PREFIX)
    assert Contact.objects.get(pk=contact.pk).phone == PHONE

    migration.encrypt_existing(None, _editor())  # running twice does not encrypt twice
    assert Contact.objects.get(pk=contact.pk).email == EMAIL

    migration.decrypt_existing(None, _editor())
    assert raw_rows("partners_contact", "id", contact.pk) == [(EMAIL, PHONE)]
