"""How search matches and ranks (search/backends.py), on whichever database
the tests run: SQLite by default, PostgreSQL with DATABASE_URL."""

import pytest

from search.backends import ranked
from search.folding import fold, query_words
from search.kinds import KINDS
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

KIND = {kind.key: kind for kind in KINDS}


def names(kind: str, text: str) -> list[str]:
    rows = ranked(KIND[kind], query_words(text), 20)
    return [str(row) for row in rows]


def test_query_words_are_folded_words_only():
    assert query_words("  Rósa, NIGHT-owl!\x00 rosa ") == ["rosa", "night", "owl"]
    assert query_words("' OR 1=1 --") == ["or", "1"]
    assert fold("Ñandú Straße") == "nandu strasse"


@pytest.mark.parametrize("text", ["owl crew", "crew owl", "NIGHT OWL", "naloxone", "Nalox"])
def test_partner_found_whatever_the_word_order_or_case(text):
    OrganizationFactory(name="Night Owl Naloxone Crew")
    OrganizationFactory(name="Day Shift Collective")

    assert names("partners", text) == ["Night Owl Naloxone Crew"]


def test_every_word_must_match():
    OrganizationFactory(name="Night Owl Naloxone Crew")

    assert names("partners", "owl library") == []


@pytest.mark.parametrize(("stored", "typed"), [("Rósa", "rosa"), ("Rosa", "RÓSA"), ("José Ñúñez", "jose nunez")])
def test_accents_do_not_matter_either_way(stored, typed):
    ContactFactory(name_or_alias=stored)

    assert names("contacts", typed) == [stored]


def test_contact_found_by_alias_or_role():
    ContactFactory(name_or_alias="Rosa", role="Outreach lead")
    ContactFactory(name_or_alias="Val", role="Treasurer")

    assert names("contacts", "rosa") == ["Rosa"]
    assert names("contacts", "outreach") == ["Rosa"]


def test_partner_found_by_service_area_and_description():
    OrganizationFactory(name="Harbour Collective", service_area="Eastside docks")
    OrganizationFactory(name="Lantern Group", description="Peer support on the eastside at night")

    assert set(names("partners", "eastside")) == {"Harbour Collective", "Lantern Group"}


def test_a_match_in_the_name_ranks_above_one_in_the_description():
    OrganizationFactory(name="Alpha Collective", description="Works with the Lantern network")
    OrganizationFactory(name="Lantern Collective", description="Peer support")
    OrganizationFactory(name="Beta Collective", service_area="Lantern district")

    assert names("partners", "lantern") == ["Lantern Collective", "Beta Collective", "Alpha Collective"]


def test_interactions_searched_by_summary_never_by_confidential_notes():
    organization = OrganizationFactory(name="Harbour Collective")
    InteractionFactory(organization=organization, summary="Planned the winter outreach.")
    InteractionFactory(organization=organization, summary="Budget call.", confidential_notes="zebra canary phrase")

    assert len(ranked(KIND["interactions"], ["winter"], 20)) == 1
    assert ranked(KIND["interactions"], query_words("zebra canary"), 20) == []


def test_interaction_rows_never_load_confidential_notes():
    InteractionFactory(summary="Planned the winter outreach.", confidential_notes="never loaded")

    (row,) = ranked(KIND["interactions"], ["winter"], 20)

    assert "confidential_notes" in row.get_deferred_fields()


def test_contact_rows_never_load_email_or_phone():
    ContactFactory(name_or_alias="Rosa", phone="555 0100")

    (row,) = ranked(KIND["contacts"], ["rosa"], 20)

    assert {"email", "phone"} <= row.get_deferred_fields()


def test_requests_searched_by_description():
    SupportRequestFactory(description="Naloxone kits for the weekend team")
    SupportRequestFactory(description="A room for the monthly meeting")

    rows = ranked(KIND["requests"], query_words("kits naloxone"), 20)

    assert [row.description for row in rows] == ["Naloxone kits for the weekend team"]


def test_limit_is_respected():
    for number in range(5):
        OrganizationFactory(name=f"Owl Crew {number}")

    assert len(ranked(KIND["partners"], ["owl"], 3)) == 3


def test_like_wildcards_are_plain_characters():
    OrganizationFactory(name="Night Owl Naloxone Crew")

    assert names("partners", "%") == []
    assert names("partners", "_") == []


def test_near_miss_spelling_of_a_name_found_on_postgresql_only():
    """Trigram similarity is PostgreSQL's; the SQLite fallback matches
    whole words only (search/backends.py)."""
    from django.db import connection

    ContactFactory(name_or_alias="Rosalind")
    ContactFactory(name_or_alias="Val")

    expected = ["Rosalind"] if connection.vendor == "postgresql" else []
    assert names("contacts", "rosalynd") == expected
