"""A meeting of several partners (a coalition meeting) is logged once,
under one partner, "also with" the others, and counts for each of them:
their keep-in-touch clock, their page, the interaction list filtered to
them, their figures. Its links keep their history, come back with Undo and
follow a merge."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from partners.choices import InteractionKind, Stage
from partners.health import with_health
from partners.models import DeletedRecord, Interaction, Organization
from reporting.queries import interactions_by_month
from reporting.scope import Scope
from tests.factories import InteractionFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAYS_AGO_10 = TODAY - datetime.timedelta(days=10)


def text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


@pytest.fixture
def coalition():
    """Host logs a meeting also with Ally and Neighbour; Ally had no contact for 200 days."""
    host, ally, neighbour = (
        OrganizationFactory(name=name, stage=Stage.COLLABORATING, keep_in_touch_days=30)
        for name in ("Host Collective", "Ally Network", "Neighbour Project")
    )
    InteractionFactory(organization=ally, happened_on=TODAY - datetime.timedelta(days=200))
    meeting = InteractionFactory(
        organization=host, kind=InteractionKind.MEETING, happened_on=DAYS_AGO_10, summary="Coalition meeting on safety"
    )
    meeting.also_with.add(ally, neighbour)
    return host, ally, neighbour, meeting


def figures(partner: Organization) -> Organization:
    return Organization.objects.with_contact_figures(TODAY).with_interaction_total().get(pk=partner.pk)


def test_the_meeting_resets_each_partners_keep_in_touch_clock(coalition):
    host, ally, neighbour, _ = coalition

    for partner in (host, ally, neighbour):
        assert figures(partner).last_contact == DAYS_AGO_10
        assert figures(partner).is_overdue is False
    assert figures(ally).interaction_total == 2
    assert not with_health(Organization.objects.filter(pk=ally.pk), TODAY).get().needs_attention


def test_a_referral_also_with_a_partner_is_not_contact(coalition):
    _, ally, _, meeting = coalition
    meeting.kind = InteractionKind.REFERRAL
    meeting.save()

    assert figures(ally).last_contact == TODAY - datetime.timedelta(days=200)
    assert figures(ally).is_overdue is True


def test_each_partners_page_and_filtered_list_show_it_once(manager_client, coalition):
    host, ally, _, meeting = coalition

    page = text(manager_client.get(ally.get_absolute_url()))
    assert "Coalition meeting on safety" in page and "Logged with Host Collective" in page
    listed = manager_client.get(reverse("partners:interaction_list"), {"organization": ally.pk})
    assert [row.record.pk for row in listed.context["table"].page.object_list].count(meeting.pk) == 1
    detail = manager_client.get(meeting.get_absolute_url()).content.decode()
    assert f'<dt>Also with</dt><dd><a href="{ally.get_absolute_url()}">Ally Network</a>, <a' in detail


def test_figures_count_it_for_each_partner_and_once_overall(coalition):
    host, ally, _, _ = coalition
    start, end = TODAY - datetime.timedelta(days=60), TODAY

    def total(scope: Scope) -> int:
        return sum(row["total"] for row in interactions_by_month(scope))

    assert total(Scope(start=start, end=end, organization=ally)) == 1
    assert total(Scope(start=start, end=end, organization=host)) == 1
    assert total(Scope(start=start, end=end)) == 1


def test_a_manager_logs_a_meeting_also_with_other_partners(manager_client, coalition):
    host, ally, neighbour, _ = coalition
    url = reverse("partners:interaction_create", args=[host.pk])
    form = manager_client.get(url).content.decode()
    also_with = form[form.index('name="also_with"') :].split("</select>")[0]
    assert f'<option value="{ally.pk}">Ally Network</option>' in also_with
    assert f'<option value="{host.pk}">' not in also_with  # not "also with" itself

    data = {"kind": "meeting", "happened_on": TODAY.isoformat(), "summary": "Second coalition meeting"}
    response = manager_client.post(url, {**data, "also_with": [ally.pk, neighbour.pk]})

    assert response.status_code == 302
    logged = Interaction.objects.get(summary="Second coalition meeting")
    assert set(logged.also_with.all()) == {ally, neighbour}
    refused = manager_client.post(url, {**data, "summary": "Itself", "also_with": [host.pk]})
    assert refused.status_code == 400 and "also_with" in refused.context["form"].errors


def test_the_history_tells_who_it_was_also_with(manager_client, coalition):
    host, ally, neighbour, meeting = coalition
    edit = reverse("partners:interaction_edit", args=[meeting.pk])
    data = {"kind": "meeting", "happened_on": DAYS_AGO_10.isoformat(), "summary": meeting.summary}
    manager_client.post(edit, {**data, "also_with": [ally.pk]})

    page = text(manager_client.get(meeting.get_absolute_url()))
    assert "Also with: Ally Network, Neighbour Project → Ally Network" in page


def test_undo_puts_back_the_links_of_a_deleted_meeting_and_of_a_deleted_partner(manager_client, coalition):
    host, ally, neighbour, meeting = coalition
    confirm = {"confirm": "1"}

    manager_client.post(reverse("partners:interaction_delete", args=[meeting.pk]), confirm)
    manager_client.post(reverse("partners:deletion_undo", args=[DeletedRecord.objects.latest("pk").pk]), confirm)
    assert set(Interaction.objects.get(pk=meeting.pk).also_with.all()) == {ally, neighbour}

    ally.interactions.all().delete()  # so that the partner itself may go
    manager_client.post(reverse("partners:organization_delete", args=[ally.pk]), confirm)
    assert set(Interaction.objects.get(pk=meeting.pk).also_with.all()) == {neighbour}
    manager_client.post(reverse("partners:deletion_undo", args=[DeletedRecord.objects.latest("pk").pk]), confirm)
    assert set(Interaction.objects.get(pk=meeting.pk).also_with.values_list("name", flat=True)) == {
        "Ally Network",
        "Neighbour Project",
    }


def test_a_merge_moves_the_meetings_a_partner_was_also_with(manager_client, coalition):
    host, ally, neighbour, meeting = coalition
    merge = reverse("partners:organization_merge", args=[neighbour.pk])

    manager_client.post(merge, {"other": ally.pk, "confirm": "1"})
    assert set(meeting.also_with.all()) == {neighbour}

    # Merged into the partner it was logged under: no longer "also with" itself.
    manager_client.post(reverse("partners:organization_merge", args=[host.pk]), {"other": neighbour.pk, "confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.organization == host and list(meeting.also_with.all()) == []
