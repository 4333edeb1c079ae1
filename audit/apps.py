from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail of sensitive actions (models.AuditEvent), written by
    trail.py and by the receivers of Django's account signals."""

    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
