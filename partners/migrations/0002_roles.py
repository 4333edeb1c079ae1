"""Creates the two roles as groups, so an administrator can assign them in the admin.

Program managers create and edit everything in partners and read confidential
notes. Leadership only views, and never gets the confidential-notes permission.
"""

from django.db import migrations

from core import roles

MODELS = ["organization", "contact", "interaction", "supportrequest", "supportdelivery", "tag"]

ROLES = {
    "Program managers": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]
    + ["view_confidential_notes"],
    "Leadership": [f"view_{model}" for model in MODELS],
}


def create_roles(apps, schema_editor):
    roles.grant(apps, "partners", ROLES)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
