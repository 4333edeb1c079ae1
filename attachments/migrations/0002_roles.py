"""Program managers attach files and read them; leadership reads them (never
the confidential ones: that is the confidential-notes permission, which
leadership does not have). Deleting a file takes partners.fix_mistakes."""

from django.db import migrations

from core import roles

ROLES = {
    "Program managers": ["view_attachment", "add_attachment"],
    "Leadership": ["view_attachment"],
}


def grant(apps, schema_editor):
    roles.grant(apps, "attachments", ROLES)


def revoke(apps, schema_editor):
    roles.revoke(apps, "attachments", ROLES)


class Migration(migrations.Migration):
    dependencies = [("attachments", "0001_initial"), ("partners", "0012_import_batch")]

    operations = [migrations.RunPython(grant, revoke)]
