"""A partner's last contact day (Organization.last_contact_on) is kept as
interactions come and go, by every way they do: the forms, "also with"
links from either side, moving an interaction to another partner, delete
and undo, a merge, the admin's bulk delete. A partner saved from an
instance read earlier never writes back the day it read. Each test ends by
checking every stored day against the interactions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.choices import InteractionKind, Stage
from partners.last_contact import latest_contact
from partners.models import DeletedRecord, Interaction, Organization
from tests.factories import InteractionFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
CONFIRM = {"confirm": "1"}


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def last(partner: Organization) -> datetime.date | None:
    return Organization.objects.values_list("last_contact_on", flat=True).get(pk=partner.pk)


def computed() -> dict[int, datetime.date | None]:
    """Every partner's last contact, worked out from the interactions now,
    by a query written apart from the one that keeps it."""
    days: dict[int, datetime.date | None] = dict.fromkeys(Organization.objects.values_list("pk", flat=True))
    in_touch = Interaction.objects.exclude(kind=InteractionKind.REFERRAL)
    pairs = [*in_touch.values_list("organization_id", "happened_on")]
    pairs += [*in_touch.filter(also_with__isnull=False).values_list("also_with", "happened_on")]
    for partner, day in pairs:
        days[partner] = max(day, days[partner] or day)
    return days


def assert_kept() -> None:
    assert dict(Organization.objects.values_list("pk", "last_contact_on")) == computed()


def form(day: datetime.date, kind: str = "meeting", **more) -> dict:
    return {"kind": kind, "happened_on": day.isoformat(), "summary": "Checked in"} | more


@pytest.fixture
def host():
    return OrganizationFactory(name="Host Collective", stage=Stage.COLLABORATING)


@pytest.fixture
def ally():
    return OrganizationFactory(name="Ally Network", stage=Stage.COLLABORATING)


def test_the_form_sets_it_a_later_day_moves_it_and_a_referral_does_not(manager_client, host):
    create = reverse("partners:interaction_create", args=[host.pk])
    assert last(host) is None

    assert manager_client.post(create, form(ago(10))).status_code == 302
    assert last(host) == ago(10)
    manager_client.post(create, form(ago(20)))
    assert last(host) == ago(10)
    manager_client.post(create, form(ago(2), kind="referral"))
    assert last(host) == ago(10)
    manager_client.post(create, form(ago(3), kind="call"))
    assert last(host) == ago(3)
    assert_kept()


def test_editing_its_day_or_kind_or_moving_it_to_another_partner(manager_client, host, ally):
    older = InteractionFactory(organization=host, happened_on=ago(30))
    latest = InteractionFactory(organization=host, happened_on=ago(5))
    edit = reverse("partners:interaction_edit", args=[latest.pk])

    assert manager_client.post(edit, form(ago(40))).status_code == 302
    assert last(host) == ago(30)  # the other interaction is now the latest
    manager_client.post(edit, form(ago(1), kind="referral"))
    assert last(host) == ago(30)
    latest.refresh_from_db()
    latest.kind, latest.organization = InteractionKind.VISIT, ally
    latest.save()
    assert (last(host), last(ally)) == (ago(30), ago(1))
    older.organization = ally
    older.save(update_fields=["organization"])
    assert (last(host), last(ally)) == (None, ago(1))
    assert_kept()


def test_also_with_links_from_the_interaction_and_from_the_partner(manager_client, host, ally):
    neighbour = OrganizationFactory(name="Neighbour Project")
    meeting = InteractionFactory(organization=host, happened_on=ago(7))
    create = reverse("partners:interaction_create", args=[host.pk])

    manager_client.post(create, form(ago(4), also_with=[ally.pk]))
    assert (last(host), last(ally), last(neighbour)) == (ago(4), ago(4), None)
    meeting.also_with.add(neighbour)
    assert last(neighbour) == ago(7)
    meeting.also_with.remove(neighbour)
    assert last(neighbour) is None
    # From the partner's side (the app never links this way: simple-history
    # would record the partner as an interaction, so it is told not to).
    neighbour.skip_history_when_saving = True
    neighbour.joint_interactions.add(meeting)
    assert last(neighbour) == ago(7)
    neighbour.joint_interactions.clear()
    assert last(neighbour) is None
    meeting.also_with.set([ally, neighbour])
    meeting.happened_on = ago(1)
    meeting.save()
    assert (last(ally), last(neighbour)) == (ago(1), ago(1))
    meeting.also_with.clear()
    assert (last(ally), last(neighbour)) == (ago(4), None)
    assert_kept()


def test_deleting_a_meeting_and_undoing_it(manager_client, host, ally):
    InteractionFactory(organization=ally, happened_on=ago(60))
    meeting = InteractionFactory(organization=host, happened_on=ago(6))
    meeting.also_with.add(ally)

    manager_client.post(reverse("partners:interaction_delete", args=[meeting.pk]), CONFIRM)
    assert (last(host), last(ally)) == (None, ago(60))
    manager_client.post(reverse("partners:deletion_undo", args=[DeletedRecord.objects.get().pk]), CONFIRM)
    assert (last(host), last(ally)) == (ago(6), ago(6))
    assert_kept()


def test_deleting_a_partner_and_undoing_it(manager_client, host, ally):
    InteractionFactory(organization=ally, happened_on=ago(9))
    meeting = InteractionFactory(organization=host, happened_on=ago(3))
    meeting.also_with.add(ally)

    manager_client.post(reverse("partners:organization_delete", args=[ally.pk]), CONFIRM)
    assert not Organization.objects.filter(pk=ally.pk).exists()
    manager_client.post(reverse("partners:deletion_undo", args=[DeletedRecord.objects.get().pk]), CONFIRM)
    assert last(ally) == ago(3)
    assert_kept()


def test_a_merge(manager_client, host, ally):
    InteractionFactory(organization=ally, happened_on=ago(2))
    InteractionFactory(organization=host, happened_on=ago(20))

    response = manager_client.post(
        reverse("partners:organization_merge", args=[host.pk]), {"other": ally.pk, **CONFIRM}
    )
    assert response.status_code == 302
    assert last(host) == ago(2)
    assert_kept()


def test_the_admins_bulk_delete(admin_client, host):
    gone = InteractionFactory(organization=host, happened_on=ago(2))
    InteractionFactory(organization=host, happened_on=ago(12))

    response = admin_client.post(
        reverse("admin:partners_interaction_changelist"),
        {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert last(host) == ago(12)
    assert_kept()


def test_a_partner_read_before_an_interaction_never_writes_back_the_day_it_read(host):
    InteractionFactory(organization=host, happened_on=ago(30))
    read_earlier = Organization.objects.get(pk=host.pk)
    InteractionFactory(organization=host, happened_on=ago(1))

    read_earlier.keep_in_touch_days = 14
    read_earlier.save()
    Organization.objects.only("name").get(pk=host.pk).save()  # deferred fields: only its own are written
    host.refresh_from_db()
    assert (host.keep_in_touch_days, host.last_contact_on) == (14, ago(1))
    assert_kept()


def test_a_save_of_other_fields_costs_no_query_more(host):
    interaction = InteractionFactory(organization=host, happened_on=ago(7))
    with CaptureQueriesContext(connection) as queries:
        Interaction.objects.get(pk=interaction.pk).save(update_fields=["follow_up_done"])
    assert [q["sql"] for q in queries if q["sql"].startswith('UPDATE "partners_organization"')] == []


def test_the_query_that_keeps_it_agrees_with_the_interactions(host, ally):
    InteractionFactory(organization=host, happened_on=ago(8), kind=InteractionKind.REFERRAL)
    meeting = InteractionFactory(organization=ally, happened_on=ago(4))
    meeting.also_with.add(host)
    found = dict(Organization.objects.annotate(day=latest_contact()).values_list("pk", "day"))
    assert found == computed() == {host.pk: ago(4), ally.pk: ago(4)}
