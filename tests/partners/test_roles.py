"""The roles made by the data migration: which permissions each group holds."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests.conftest import LEADERSHIP, PROGRAM_MANAGERS

pytestmark = pytest.mark.django_db


# A person's own calendar address: made and stopped by that person through
# its page (partners/views/follow_ups.py), never through a role; and the
# note of what was deleted as a mistake, written and read by the delete and
# undo pages (partners.fix_mistakes), never through a model permission; and
# the record of an import, kept for its undo by the import pages.
PERSONAL = {"followupfeed", "deletedrecord", "importbatch"}


def partners_models() -> list[str]:
    """Every partners model a person works with; the audit-history copies are
    read through their own model, not assigned to roles."""
    return [
        model._meta.model_name
        for model in apps.get_app_config("partners").get_models()
        if not model._meta.model_name.startswith("historical") and model._meta.model_name not in PERSONAL
    ]


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return set(group.permissions.filter(content_type__app_label="partners").values_list("codename", flat=True))


def test_the_model_list_is_not_empty():
    # The comparisons below use this list; a new model that the migration
    # forgets makes them fail (its pages would be 403 for everyone).
    assert set(partners_models()) >= {"organization", "contact", "interaction", "supportrequest", "supportdelivery"}


# Written by partners themselves, in the portal: staff only read them.
PARTNER_SIDE = {"portalaccess", "deliveryconfirmation", "deletionrequest"}


def test_program_managers_add_change_and_view_our_records_and_read_notes():
    ours = set(partners_models()) - PARTNER_SIDE
    expected = {f"{action}_{model}" for model in ours for action in ("add", "change", "view")}
    expected |= {f"view_{model}" for model in PARTNER_SIDE}

    assert codenames(PROGRAM_MANAGERS) == expected | {"view_confidential_notes", "carry_out_deletion", "fix_mistakes"}


def test_program_managers_cannot_delete():
    # They delete what was entered by mistake through pages that let it be
    # undone (fix_mistakes), never outright.
    assert not {c for c in codenames(PROGRAM_MANAGERS) if c.startswith("delete_")}


def test_only_program_managers_fix_mistakes(program_manager, leader, outsider):
    assert program_manager.has_perm("partners.fix_mistakes")
    assert not leader.has_perm("partners.fix_mistakes")
    assert not outsider.has_perm("partners.fix_mistakes")


def test_leadership_only_views_and_never_reads_notes():
    perms = codenames(LEADERSHIP)

    assert perms == {f"view_{model}" for model in partners_models()}
    assert "view_confidential_notes" not in perms
    assert not {c for c in perms if c.startswith(("add_", "change_", "delete_"))}


def test_roles_cannot_manage_users_or_the_site():
    # Users, groups, sessions and lockouts are for administrators only.
    admin_apps = ["auth", "admin", "contenttypes", "sessions", "axes"]
    for name in (PROGRAM_MANAGERS, LEADERSHIP):
        group = Group.objects.get(name=name)
        assert not group.permissions.filter(content_type__app_label__in=admin_apps).exists(), name


def test_users_get_the_permissions_through_their_group(program_manager, leader, outsider):
    assert program_manager.has_perm("partners.view_confidential_notes")
    assert program_manager.has_perm("partners.change_interaction")
    assert not program_manager.has_perm("partners.delete_organization")
    assert leader.has_perm("partners.view_interaction")
    assert not leader.has_perm("partners.view_confidential_notes")
    assert not leader.has_perm("partners.change_organization")
    assert not outsider.has_perm("partners.view_organization")
