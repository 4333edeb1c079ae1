"""What partners told us through the portal is written by partners only:
program managers and leadership see it, and program managers carry out a
partner's request to be deleted."""

from django.db import migrations

from core import roles

ROLES = {
    "Program managers": [
        "view_portalaccess",
        "view_deliveryconfirmation",
        "view_deletionrequest",
        "carry_out_deletion",
    ],
    "Leadership": ["view_portalaccess", "view_deliveryconfirmation", "view_deletionrequest"],
}


def grant(apps, schema_editor):
    roles.grant(apps, "partners", ROLES)


def revoke(apps, schema_editor):
    roles.revoke(apps, "partners", ROLES)


class Migration(migrations.Migration):
    dependencies = [("partners", "0006_partner_side")]

    operations = [migrations.RunPython(grant, revoke)]
