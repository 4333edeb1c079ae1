"""Gives the two roles their survey permissions.

Program managers build, schedule and send surveys, manage recipients and read
results. Leadership reads surveys and results only; it never sees the
recipient lists (email addresses)."""

from django.db import migrations

from core import roles

BUILD = ["survey", "question", "schedule", "round", "recipient", "yousaidwedid", "invitation"]

ROLES = {
    "Program managers": [f"{action}_{model}" for model in BUILD for action in ("view", "add", "change")]
    + ["delete_question", "view_results"],
    "Leadership": ["view_survey", "view_question", "view_schedule", "view_round", "view_yousaidwedid", "view_results"],
}


def grant(apps, schema_editor):
    roles.grant(apps, "surveys", ROLES)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="surveys"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial"), ("partners", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
