"""Program managers decide about released units (pool held rounds, review
and withhold free text, release early); leadership reads released results
only and gets none of these permissions."""

from django.db import migrations

from core import roles

ROLES = {"Program managers": ["view_release", "add_release", "change_release"]}


def grant(apps, schema_editor):
    roles.grant(apps, "surveys", ROLES)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [name for names in ROLES.values() for name in names]
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_release_rule")]

    operations = [migrations.RunPython(grant, revoke)]
