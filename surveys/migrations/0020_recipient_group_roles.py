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
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [name for names in ROLES.values() for name in names]
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0019_recipient_groups")]

    operations = [migrations.RunPython(grant, revoke)]
