from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Wellbeing partnership CRM"

    def ready(self) -> None:
        from . import audit_receivers

        audit_receivers.connect()
