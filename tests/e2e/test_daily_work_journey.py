"""A program manager's normal day, in a browser, on demo data: find a
contact by alias from the header and call them from their page; finish one
follow-up and snooze another from My work, and hand a third to a colleague;
record the delivery that completes a request and see it turn fulfilled."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from partners.models import Interaction, SupportRequest

from .conftest import check_page, field, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_normal_day(open_page, live_server):
    call_command("load_demo_data", verbosity=0)
    page = open_page(width=1280, height=900)
    log_in(page, live_server, "manager", "demo-manager-pass")

    # Someone phones: "it's Ruby". Found by alias from the header, word order and case aside.
    page.get_by_role("searchbox", name=re.compile("Search", re.I)).fill("ruby")
    page.get_by_role("button", name="Search", exact=True).first.click()
    check_page(page, "search results")
    page.get_by_role("link", name="Ruby").first.click()
    check_page(page, "contact page")
    assert page.locator('a[href^="tel:"]').count() == 1
    screenshot(page, "contact-page", max_height=900)

    # My work: three follow-ups, each one click.
    page.goto(live_server.url + "/")
    due = list(Interaction.objects.filter(follow_up_done=False, follow_up_on__isnull=False).order_by("follow_up_on"))
    mine = page.locator("li.follow-up")
    before = mine.count()
    assert before >= 3
    first = mine.first.locator("a").first.inner_text()
    mine.first.get_by_role("button", name=re.compile("^Done")).click()
    page.get_by_text(f"Follow-up with {first} done.").wait_for()
    assert page.locator("li.follow-up").count() == before - 1

    second = page.locator("li.follow-up").first
    second_partner = second.locator("a").first.inner_text()
    second.get_by_role("button", name=re.compile("^Snooze a week")).click()
    page.get_by_text(re.compile(f"Follow-up with {re.escape(second_partner)} moved to")).wait_for()
    assert page.locator("li.follow-up").count() == before - 2
    check_page(page, "my work after two follow-ups")
    screenshot(page, "my-work-follow-ups", max_height=900)
    assert Interaction.objects.filter(pk__in=[i.pk for i in due], follow_up_done=True).count() == 1

    third = page.locator("li.follow-up").first
    third.get_by_role("link", name=re.compile("^Reassign")).click()
    check_page(page, "reassign a follow-up")
    field(page, "Who follows up").select_option(label="Luis Ferrante")
    page.get_by_role("button", name="Reassign").click()
    page.get_by_text(re.compile("Luis Ferrante now follows up with")).wait_for()
    assert page.locator("li.follow-up").count() == before - 3

    # A request for money, partly delivered, gets its last delivery.
    asked = SupportRequest.objects.filter(amount_asked__isnull=False, status="in_progress").order_by("pk").first()
    delivered = sum((d.money for d in asked.deliveries.all()), Decimal("0"))
    page.goto(live_server.url + f"/partners/{asked.organization_id}/deliveries/new/")
    field(page, "Request it answers").select_option(str(asked.pk))
    field(page, "Category").select_option(asked.category)
    field(page, "What was given").fill("The rest of the supplies.")
    field(page, "Money").fill(str(asked.amount_asked - delivered))
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    asked.refresh_from_db()
    assert asked.status == "fulfilled"
    page.goto(live_server.url + asked.get_absolute_url())
    assert page.get_by_text("Fulfilled").first.is_visible()
    check_page(page, "a request fulfilled")
