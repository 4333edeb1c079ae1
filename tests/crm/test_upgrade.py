"""Upgrading an install made before crm/ was split into apps: the audit
trail, the two-factor policy and the digests move to the audit, accounts and
digests apps without a row lost or changed, and permissions held by groups
follow them (crm/migrations/0005_models_moved_to_their_apps.py)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_SPLIT = [("crm", "0004_release_rule"), ("audit", None), ("accounts", None), ("digests", None)]
NEW_APPS = {"audit", "accounts", "digests", "crm"}


def _migrate(targets) -> object:
    """Migrates the test database to `targets`; returns the models as they
    were then (every other app at its latest migration)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in NEW_APPS]
    nodes += [target for target in targets if target[1] is not None]
    return executor.loader.project_state(nodes).apps


def _latest() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rows_of_the_old_layout_survive_the_split():
    old = _migrate(BEFORE_THE_SPLIT)
    user = old.get_model("auth", "User").objects.create(username="upgrade-lead", email="lead@example.org")
    old.get_model("crm", "AuditEvent").objects.create(user=user, action="export", target="partners.csv", ip_hash="h")
    old.get_model("crm", "Digest").objects.create(
        kind="follow_up", user=user, period=datetime.date(2026, 11, 30), state="sent", attempts=1
    )
    old.get_model("crm", "TwoFactorPolicy").objects.create(id=1, required=True)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    crm_events, _ = ContentType.objects.get_or_create(app_label="crm", model="auditevent")
    view_events, _ = Permission.objects.get_or_create(
        content_type=crm_events, codename="view_auditevent", defaults={"name": "Can view audit event"}
    )
    auditors = old.get_model("auth", "Group").objects.create(name="Auditors")
    auditors.permissions.add(view_events)

    try:
        new = _migrate(_latest())
        event = new.get_model("audit", "AuditEvent").objects.get()
        assert (event.user.username, event.action, event.target, event.ip_hash) == (
            "upgrade-lead",
            "export",
            "partners.csv",
            "h",
        )
        digest = new.get_model("digests", "Digest").objects.get()
        assert (digest.kind, digest.user_id, digest.period, digest.state) == (
            "follow_up",
            user.pk,
            datetime.date(2026, 11, 30),
            "sent",
        )
        assert new.get_model("accounts", "TwoFactorPolicy").objects.get(pk=1).required is True
        held = new.get_model("auth", "Group").objects.get(name="Auditors").permissions.get()
        assert (held.content_type.app_label, held.codename) == ("audit", "view_auditevent")
        assert not new.get_model("contenttypes", "ContentType").objects.filter(app_label="crm").exists()
    finally:
        _migrate(_latest())  # whatever happened, leave the database as the other tests expect


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_split_can_be_undone():
    _migrate(BEFORE_THE_SPLIT)
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"crm_auditevent", "crm_digest", "crm_twofactorpolicy"} <= tables
    _migrate(_latest())
