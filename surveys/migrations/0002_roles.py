"""Gives the two roles their survey permissions.

Program managers build, schedule and send surveys, manage recipients and read
results. Leadership reads surveys and results only; it never sees the
recipient lists (email addresses)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

BUILD = ["survey", "question", "schedule", "round", "recipient", "yousaidwedid", "invitation"]

ROLES = {
    "Program managers": [f"{action}_{model}" for model in BUILD for action in ("view", "add", "change")]
    + ["delete_question", "view_results"],
    "Leadership": ["view_survey", "view_question", "view_schedule", "view_round", "view_yousaidwedid", "view_results"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="surveys"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial"), ("partners", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
