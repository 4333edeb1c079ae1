"""Program managers make recipient groups and put people in them; leadership,
who never sees the recipient lists, gets nothing here."""

from django.db import migrations

from core import roles

ROLES = {
    "Program managers": [
        "view_recipientgroup",
        "add_recipientgroup",
        "change_recipientgroup",
        "delete_recipientgroup",
    ]
}


def grant(apps, schema_editor):
    roles.grant(apps, "surveys", ROLES)


def revoke(apps, schema_editor):
    roles.revoke(apps, "surveys", ROLES)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0019_recipient_groups")]

    operations = [migrations.RunPython(grant, revoke)]
