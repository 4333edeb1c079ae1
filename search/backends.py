"""How search ranks, one function per database behind one entry point,
ranked(). Both match every word of the query, in any order, case and
accents aside, and rank a match in an early field (a partner's name) above
one in a later field (its description).

PostgreSQL: full-text search ('simple' configuration, so no language's
stemming or stop words, over unaccented text), each word a prefix ("nalox"
finds "Naloxone"), ranked by ts_rank over weighted fields, plus trigram
word similarity on names, which also finds near misses ("Rosa" for "Rossa").
Both are served by GIN indexes on the same expressions
(search/migrations/0002_search_indexes.py).

SQLite (development and tests): every word must appear in one of the
fields, compared folded (search_fold, search/apps.py); ranked by how many
words each field holds, earlier fields weighing more."""

from functools import reduce
from operator import add, or_

from django.db import connections
from django.db.models import Case, Expression, F, FloatField, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from .kinds import Kind

# Aliases, not annotations: used to filter and order, never fetched.
RANK = "search_rank"


def ranked(kind: Kind, words: list[str], limit: int) -> list:
    """Up to `limit` rows of `kind` matching all `words` (already folded,
    search/folding.py), best first: one query, none without words."""
    if not words:
        return []
    rows = kind.rows()
    if connections[rows.db].vendor == "postgresql":
        rows = postgres_ranked(rows, kind, words)
    else:
        rows = fallback_ranked(rows, kind, words)
    return list(rows.order_by(f"-{RANK}", *kind.tiebreak, "pk")[:limit])


def postgres_ranked(rows: QuerySet, kind: Kind, words: list[str]) -> QuerySet:
    """The expressions here are the ones search/migrations/0002 indexes, so
    PostgreSQL reads the GIN indexes rather than every row."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField, TrigramWordSimilarity

    document = Func(*(F(field) for field in kind.fields), function="search_document", output_field=SearchVectorField())
    # Words are letters and digits only, already folded (query_words), so the raw tsquery cannot be malformed.
    query = SearchQuery(" & ".join(f"{word}:*" for word in words), config="simple", search_type="raw")
    rank: Expression = SearchRank(document, query)
    matches = Q(search_document=query)
    if kind.name_fields:
        phrase = " ".join(words)
        for position, field in enumerate(kind.name_fields):
            rows = rows.alias(**{f"search_name_{position}": Func(F(field), function="search_fold")})
            # word_similarity above the connection's threshold (search/apps.py), served by the trigram index.
            matches |= Q(**{f"search_name_{position}__trigram_word_similar": phrase})
        spelling = [TrigramWordSimilarity(phrase, F(f"search_name_{n}")) for n in range(len(kind.name_fields))]
        rank = rank + (spelling[0] if len(spelling) == 1 else Func(*spelling, function="GREATEST"))
    return rows.alias(search_document=document, **{RANK: Cast(rank, FloatField())}).filter(matches)


def fallback_ranked(rows: QuerySet, kind: Kind, words: list[str]) -> QuerySet:
    folded = {field: f"search_folded_{field}" for field in kind.fields}
    rows = rows.alias(**{alias: Func(F(field), function="search_fold") for field, alias in folded.items()})
    for word in words:
        rows = rows.filter(reduce(or_, (Q(**{f"{alias}__contains": word}) for alias in folded.values())))
    weights = {alias: len(folded) - position for position, alias in enumerate(folded.values())}
    score = reduce(
        add,
        (
            Case(When(Q(**{f"{alias}__contains": word}), then=Value(weight)), default=Value(0))
            for alias, weight in weights.items()
            for word in words
        ),
    )
    return rows.alias(**{RANK: Cast(score, IntegerField())})
