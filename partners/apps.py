from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners"

    def ready(self) -> None:
        from . import first_delivery, last_contact

        first_delivery.connect()
        last_contact.connect()
