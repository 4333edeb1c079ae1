"""Upgrading: partners/migrations/0016 fills in each partner's last contact
from the interactions already recorded (an "also with" meeting and a
referral among them), as partners/last_contact.py would have kept it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("partners", "0015_request_days_index")]
AFTER = [("partners", "0016_organization_last_contact_on")]


def _migrate(targets) -> object:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_in_every_partners_last_contact():
    old = _migrate(BEFORE)
    Organization, Interaction = old.get_model("partners", "Organization"), old.get_model("partners", "Interaction")
    host, ally, quiet, referred = (Organization.objects.create(name=name, kind="mutual_aid") for name in "HAQR")
    day = datetime.date(2026, 10, 1)

    def log(partner, days_later: int, kind: str = "meeting"):
        return Interaction.objects.create(
            organization=partner, kind=kind, happened_on=day + datetime.timedelta(days=days_later), summary="-"
        )

    log(host, 0)
    log(ally, 3)
    log(host, 9).also_with.add(ally)
    log(referred, 20, kind="referral")
    try:
        new = _migrate(AFTER)
        found = dict(new.get_model("partners", "Organization").objects.values_list("name", "last_contact_on"))
        assert found == {
            "H": day + datetime.timedelta(days=9),
            "A": day + datetime.timedelta(days=9),
            "Q": None,
            "R": None,
        }
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
