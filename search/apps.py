from django.apps import AppConfig
from django.db.backends.signals import connection_created

# word_similarity at or above which a name matches by spelling alone on
# PostgreSQL: "rosalynd" finds "Rosalind" (0.56). pg_trgm's default, 0.6,
# misses one wrong letter in a long name.
SPELLING_THRESHOLD = 0.5


def prepare_connection(sender, connection, **kwargs) -> None:
    """What search needs of each new connection. SQLite has no unaccent():
    it gets the folding the query gets, so the fallback compares like with
    like. PostgreSQL gets the spelling threshold the trigram operator (and
    its index) uses, set on the raw connection so that no query count sees it."""
    if connection.vendor == "sqlite":
        from .folding import fold_stored

        connection.connection.create_function("search_fold", 1, fold_stored, deterministic=True)
    elif connection.vendor == "postgresql":
        with connection.connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {SPELLING_THRESHOLD}")


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        connection_created.connect(prepare_connection, dispatch_uid="search.prepare_connection")
