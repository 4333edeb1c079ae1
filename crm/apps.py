from django.apps import AppConfig


class CrmConfig(AppConfig):
    """The project package. It holds no models; it stays an installed app only
    for its migrations, which made the tables the audit, accounts and digests
    apps now own (each keeps its crm_ table name)."""

    name = "crm"
    verbose_name = "Wellbeing partnership CRM"
