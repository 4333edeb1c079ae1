"""Before the release rule, answering marked the invitation in the same
transaction that wrote the response, so on PostgreSQL both rows carried the
same transaction id (xmin), and invitations were written in the order people
answered. This rewrites every invitation marked answered, one row at a time
in a random order, in this migration's own transaction: afterwards no live
invitation shares a transaction id with a response, and their order on disk
says nothing about who answered when. Dead row versions keep the old ids
until VACUUM removes them (docs/privacy.md says to run VACUUM FULL once)."""

import random

from django.db import migrations


def unlink(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite has no transaction ids on rows
    Invitation = apps.get_model("surveys", "Invitation")
    answered = [(pk,) for pk in Invitation.objects.filter(responded=True).values_list("pk", flat=True)]
    random.SystemRandom().shuffle(answered)
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany("UPDATE surveys_invitation SET responded = true WHERE id = %s", answered)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0009_release_roles")]

    operations = [migrations.RunPython(unlink, migrations.RunPython.noop)]
