"""Versions of a sent survey (each question remembering the one it continues),
and which surveys are the starters."""

import importlib

import django.db.models.deletion
from django.db import migrations, models


def mark_starter_surveys(apps, schema_editor):
    """The surveys migration 0003 made are the starters: the oldest survey of
    each of its titles and audiences."""
    Survey = apps.get_model("surveys", "Survey")
    starters = importlib.import_module("surveys.migrations.0003_starter_surveys").STARTER_SURVEYS
    for spec in starters:
        first = Survey.objects.filter(title=spec["title"], audience=spec["audience"]).order_by("pk").first()
        if first is not None:
            Survey.objects.filter(pk=first.pk).update(starter=True)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0020_recipient_group_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalquestion",
            name="asked_before",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="surveys.question",
            ),
        ),
        migrations.AddField(
            model_name="historicalsurvey",
            name="starter",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="historicalsurvey",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="historicalsurvey",
            name="version_of",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="surveys.survey",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="asked_before",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="surveys.question",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="starter",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="survey",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="survey",
            name="version_of",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="later_versions",
                to="surveys.survey",
            ),
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.UniqueConstraint(fields=("version_of", "version"), name="one_survey_per_version"),
        ),
        migrations.RunPython(mark_starter_surveys, migrations.RunPython.noop),
    ]
