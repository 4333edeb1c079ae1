from django.apps import AppConfig
from django.db.backends.signals import connection_created


def add_fold_function(sender, connection, **kwargs) -> None:
    """SQLite has no unaccent(): give each new connection the folding the
    query gets, so the fallback compares like with like."""
    if connection.vendor == "sqlite":
        from .folding import fold_stored

        connection.connection.create_function("search_fold", 1, fold_stored, deterministic=True)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        connection_created.connect(add_fold_function, dispatch_uid="search.add_fold_function")
