"""A program manager ticks partners on the partner list and changes them
together, in a browser with JavaScript off: the stage of two partners, then
a tag on one, each ending on the list as it was with what was done."""

import pytest
from django.core.management import call_command

from partners.choices import Stage
from partners.models import Organization, Tag

from .conftest import check_page, field, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_changes_ticked_partners_together(open_page, live_server):
    call_command("load_demo_data", verbosity=0)
    first, second = Organization.objects.filter(stage=Stage.BUILDING_TRUST).order_by("name")[:2]
    tag = Tag.objects.order_by("name").first()
    page = open_page(javascript=False)
    log_in(page, live_server, "manager", "demo-manager-pass")

    page.goto(live_server.url + "/partners/?stage=building_trust")
    page.get_by_label(f"Tick {first.name}", exact=True).check()
    page.get_by_label(f"Tick {second.name}", exact=True).check()
    field(page, "With the ticked partners").select_option(label="Set the stage")
    field(page, "Stage to set").select_option(label="Collaborating")
    screenshot(page, "partner-list-bulk-desktop", max_height=900)
    page.get_by_role("button", name="Apply to the ticked partners").click()

    page.get_by_text("Stage set to “Collaborating” for 2 partners (2 changed).").wait_for()
    assert "stage=building_trust" in page.url  # back on the list as it was
    check_page(page, "partner list after a bulk change")
    assert {o.stage for o in Organization.objects.filter(pk__in=[first.pk, second.pk])} == {Stage.COLLABORATING}

    page.goto(live_server.url + "/partners/")
    page.get_by_label(f"Tick {first.name}", exact=True).check()
    field(page, "With the ticked partners").select_option(label="Add a tag")
    field(page, "Tag to add or remove").select_option(label=tag.name)
    page.get_by_role("button", name="Apply to the ticked partners").click()
    page.get_by_text(f"Tag “{tag.name}” added to 1 partner").wait_for()
    assert first.tags.filter(pk=tag.pk).exists()

    # Nothing ticked: a page that says what to do, and the way back.
    field(page, "With the ticked partners").select_option(label="Set the stage")
    field(page, "Stage to set").select_option(label="Paused")
    page.get_by_role("button", name="Apply to the ticked partners").click()
    page.get_by_text("Tick at least one partner in the list first.").wait_for()
    check_page(page, "bulk change refused")
    page.get_by_role("link", name="Back to the partners").click()
    assert not Organization.objects.filter(stage=Stage.PAUSED, pk__in=[first.pk, second.pk]).exists()
