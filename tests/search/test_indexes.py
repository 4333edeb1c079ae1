"""On PostgreSQL, search is answered from its GIN indexes
(search/migrations/0002_search_indexes.py): the expressions search/backends.py
asks for must be exactly the indexed ones, or every search reads every row
(1.4 s over the bench's 200,000 interactions). The tables here are small, so
the planner is told to avoid sequential and plain index scans: if it still
reads the whole table, no index can serve the search's condition."""

import pytest
from django.db import connection

from search.backends import ranked
from search.folding import query_words
from search.kinds import KINDS
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, SupportRequestFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes: set DATABASE_URL"),
]

INDEXES = {
    "partners": {"search_organization_document", "search_organization_name"},
    "contacts": {"search_contact_document", "search_contact_name"},
    "interactions": {"search_interaction_document"},
    "requests": {"search_request_document"},
}


def plan_of(kind, text: str) -> str:
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        ranked(kind, query_words(text), 6)
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        # Nor a plain index scan: with statistics of a few rows (autovacuum
        # analyzes the tables whenever earlier tests left enough changes), a
        # walk of the partner key and a filter of each row looked cheaper.
        # A bitmap scan needs a condition its index can answer: the search's own.
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.key)
def test_each_kind_is_searched_through_its_indexes(kind):
    organization = OrganizationFactory(name="Night Owl Naloxone Crew")
    ContactFactory(organization=organization, name_or_alias="Rosalind")
    InteractionFactory(organization=organization, summary="Night shift check-in with the crew")
    SupportRequestFactory(organization=organization, description="Naloxone kits for the night crew")

    plan = plan_of(kind, "night crew")

    assert "Seq Scan on partners_" not in plan, plan
    assert all(index in plan for index in INDEXES[kind.key]), plan


def test_the_spelling_threshold_is_set_on_every_connection():
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert cursor.fetchone()[0] == "0.5"
