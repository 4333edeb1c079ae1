"""The audit trail, the two-factor policy and the digests moved from crm/
to the audit, accounts and digests apps. Their tables keep their crm_ names
and their rows: the models leave crm's state only (each app's 0001 added
them to its own). Their content types follow them, so that permissions
held by groups and users, and the admin's history, stay attached."""

from django.db import migrations

MOVED = {"auditevent": "audit", "twofactorpolicy": "accounts", "digest": "digests"}


def _relabel(apps, moves: dict[tuple[str, str], str]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for (old_label, model), new_label in moves.items():
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        # A migration that created permissions may already have made the new
        # content type: it holds only those fresh permissions, while groups
        # hold the old ones. The old row is kept and renamed.
        ContentType.objects.filter(app_label=new_label, model=model).delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _relabel(apps, {("crm", model): app for model, app in MOVED.items()})


def backwards(apps, schema_editor):
    _relabel(apps, {(app, model): "crm" for model, app in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0004_release_rule"),
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
        ("digests", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="auditevent", name="user"),
                migrations.RemoveField(model_name="digest", name="user"),
                migrations.DeleteModel(name="TwoFactorPolicy"),
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="Digest"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
