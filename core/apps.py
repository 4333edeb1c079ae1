from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and nothing else: encrypted fields, database
    functions, safe exports and the staff list page, role names, log filters.
    It imports no other app of the project."""

    name = "core"
    verbose_name = "Shared helpers"

    def ready(self) -> None:
        from . import client_address, money  # noqa: F401 - register their checks
