"""Confidential notes are ciphertext in the database (and in its history table),
plain text through the ORM, and keys can be rotated."""

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from core.encrypted_fields import PREFIX, DecryptionError, blind_index, decrypt, encrypt
from partners.models import Interaction
from tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db

NOTES = "Met Rosa at the drop-in; she asked us not to call her at home."


def raw_notes(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT confidential_notes FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def raw_history_notes(pk: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT confidential_notes FROM partners_historicalinteraction WHERE id = %s ORDER BY history_id", [pk]
        )
        return [row[0] for row in cursor.fetchall()]


def new_key() -> str:
    return Fernet.generate_key().decode()


def test_the_database_holds_only_ciphertext():
    interaction = InteractionFactory(confidential_notes=NOTES)

    stored = raw_notes("partners_interaction", interaction.pk)

    assert stored.startswith(PREFIX)
    assert NOTES not in stored
    assert "Rosa" not in stored
    assert Interaction.objects.get(pk=interaction.pk).confidential_notes == NOTES


def test_the_same_text_encrypts_differently_each_time():
    first = InteractionFactory(confidential_notes=NOTES)
    second = InteractionFactory(confidential_notes=NOTES)

    assert raw_notes("partners_interaction", first.pk) != raw_notes("partners_interaction", second.pk)


def test_the_history_table_holds_only_ciphertext_too():
    interaction = InteractionFactory(confidential_notes=NOTES)
    interaction.confidential_notes = NOTES + " Follow up in person only."
    interaction.save()

    stored = raw_history_notes(interaction.pk)

    assert len(stored) == 2
    assert all(value.startswith(PREFIX) and "Rosa" not in value for value in stored)
    assert interaction.history.earliest().confidential_notes == NOTES


def test_empty_notes_stay_empty():
    interaction = InteractionFactory(confidential_notes="")

    assert raw_notes("partners_interaction", interaction.pk) == ""
    assert Interaction.objects.get(pk=interaction.pk).confidential_notes == ""
    assert list(Interaction.objects.filter(confidential_notes="")) == [interaction]


def test_updates_through_queryset_update_are_encrypted():
    interaction = InteractionFactory()
    Interaction.objects.filter(pk=interaction.pk).update(confidential_notes=NOTES)

    assert NOTES not in raw_notes("partners_interaction", interaction.pk)
    assert Interaction.objects.get(pk=interaction.pk).confidential_notes == NOTES


def test_searching_encrypted_text_is_refused_rather_than_silently_empty():
    InteractionFactory(confidential_notes=NOTES)

    with pytest.raises(FieldError):
        list(Interaction.objects.filter(confidential_notes__icontains="Rosa"))
    with pytest.raises(ValueError, match="cannot be searched"):
        list(Interaction.objects.filter(confidential_notes=NOTES))
    assert Interaction.objects.exclude(confidential_notes="").count() == 1


class TestKeyRotation:
    def test_a_new_first_key_reads_old_values_and_writes_with_the_new_key(self):
        old = settings.FIELD_ENCRYPTION_KEYS[0]
        new = new_key()
        interaction = InteractionFactory(confidential_notes=NOTES)

        with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
            reread = Interaction.objects.get(pk=interaction.pk)
            assert reread.confidential_notes == NOTES
            reread.save()

        token = raw_notes("partners_interaction", interaction.pk).removeprefix(PREFIX)
        assert Fernet(new.encode()).decrypt(token.encode()).decode() == NOTES
        with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
            assert Interaction.objects.get(pk=interaction.pk).confidential_notes == NOTES

    def test_a_value_written_with_an_unknown_key_raises_a_clear_error(self):
        interaction = InteractionFactory(confidential_notes=NOTES)

        with (
            override_settings(FIELD_ENCRYPTION_KEYS=[new_key()]),
            pytest.raises(DecryptionError, match="not in FIELD_ENCRYPTION_KEYS"),
        ):
            Interaction.objects.get(pk=interaction.pk)

    def test_plain_text_in_the_column_is_refused(self):
        with pytest.raises(DecryptionError, match="not encrypted"):
            decrypt(NOTES)

    def test_round_trip_helpers(self):
        assert decrypt(encrypt(NOTES)) == NOTES
        assert decrypt(encrypt("ñ — ✓")) == "ñ — ✓"


class TestMissingOrBadKeys:
    @override_settings(FIELD_ENCRYPTION_KEYS=[])
    def test_no_key_configured_is_improperly_configured(self):
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS is empty.*generate_key"):
            InteractionFactory(confidential_notes=NOTES)

    @override_settings(FIELD_ENCRYPTION_KEYS=[])
    def test_no_key_is_fine_while_there_are_no_notes(self):
        interaction = InteractionFactory(confidential_notes="")

        assert Interaction.objects.get(pk=interaction.pk).confidential_notes == ""

    @override_settings(FIELD_ENCRYPTION_KEYS=["not-a-real-key"])
    def test_a_malformed_key_names_its_position_but_not_its_value(self):
        with pytest.raises(ImproperlyConfigured, match="key 1 is not a Fernet key") as error:
            encrypt(NOTES)

        assert "not-a-real-key" not in str(error.value)

    @override_settings(FIELD_ENCRYPTION_KEYS="q3mTZ1p0n6qf6yN1m0f2bWl0k3pK9Q2m4Vx7s8d1a2E=")
    def test_a_single_string_instead_of_a_list_is_refused(self):
        with pytest.raises(ImproperlyConfigured, match="must be a list"):
            encrypt(NOTES)


class TestBlindIndex:
    def test_stable_per_purpose_and_unrelated_across_purposes(self):
        digest = blind_index("rosa@example.org", "recipient-email")

        assert len(digest) == 64
        assert digest == blind_index("rosa@example.org", "recipient-email")
        assert digest != blind_index("rosa@example.org", "another-column")
        assert digest != blind_index("rosa2@example.org", "recipient-email")
        assert "rosa" not in digest

    def test_survives_rotating_the_encryption_keys(self):
        before = blind_index("rosa@example.org", "recipient-email")

        with override_settings(FIELD_ENCRYPTION_KEYS=[new_key(), *settings.FIELD_ENCRYPTION_KEYS]):
            assert blind_index("rosa@example.org", "recipient-email") == before
