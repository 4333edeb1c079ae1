"""Program managers may delete what was entered by mistake (undoable for a
while), undo it and merge duplicates; still no delete_ permission, so
nothing is deleted outright and the admin's delete stays with
administrators."""

from django.db import migrations

from core import roles

ROLES = {"Program managers": ["fix_mistakes"]}


def grant(apps, schema_editor):
    roles.grant(apps, "partners", ROLES)


def revoke(apps, schema_editor):
    roles.revoke(apps, "partners", ROLES)


class Migration(migrations.Migration):
    dependencies = [("partners", "0010_deleted_records")]

    operations = [migrations.RunPython(grant, revoke)]
