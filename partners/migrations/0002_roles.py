"""Creates the two roles as groups, so an administrator can assign them in the admin.

Program managers create and edit everything in partners and read confidential
notes. Leadership only views, and never gets the confidential-notes permission.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["organization", "contact", "interaction", "supportrequest", "supportdelivery", "tag"]

ROLES = {
    "Program managers": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]
    + ["view_confidential_notes"],
    "Leadership": [f"view_{model}" for model in MODELS],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="partners", codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
