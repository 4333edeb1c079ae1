"""A program manager finds that a partner was entered twice and merges the
duplicate into it, in a browser with JavaScript off: the suggestion, the
page that says what moves, and the partner page afterwards."""

import datetime

import pytest
from django.core.management import call_command

from partners.models import Contact, Interaction, Organization
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory

from .conftest import check_page, field, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KEPT = "Night Owl Naloxone Crew"
DUPLICATE = "night owl naloxone crew"


def test_manager_merges_a_duplicate_partner(open_page, live_server):
    call_command("load_demo_data", verbosity=0)
    kept = Organization.objects.get(name=KEPT)
    duplicate = OrganizationFactory(name=DUPLICATE, service_area="Riverside")
    ContactFactory(organization=duplicate, name_or_alias="Kestrel")
    InteractionFactory(
        organization=duplicate,
        summary="Dropped off naloxone kits at the night drop-in.",
        happened_on=datetime.date.today() - datetime.timedelta(days=2),
    )
    page = open_page(javascript=False)
    log_in(page, live_server, "manager", "demo-manager-pass")

    page.goto(live_server.url + kept.get_absolute_url())
    page.get_by_role("link", name="Merge with…").click()
    check_page(page, "merge: choose")
    page.get_by_role("link", name=DUPLICATE, exact=True).click()  # suggested for its similar name
    page.get_by_role("heading", name=f"Merge {DUPLICATE} into {KEPT}?").wait_for()
    check_page(page, "merge: confirm")
    assert page.get_by_text("1 contact", exact=True).is_visible()
    assert page.get_by_text("1 interaction", exact=True).is_visible()
    screenshot(page, "merge-confirm-desktop", max_height=900)

    page.get_by_role("button", name="Merge").click()
    page.get_by_text(f"{DUPLICATE} is merged into {KEPT}.").wait_for()
    check_page(page, "partner after merge")
    assert page.get_by_role("heading", name=KEPT).is_visible()
    assert page.get_by_text("Dropped off naloxone kits at the night drop-in.").is_visible()
    assert not Organization.objects.filter(name=DUPLICATE).exists()
    assert Contact.objects.get(name_or_alias="Kestrel").organization == kept
    assert Interaction.objects.filter(organization=kept, summary__startswith="Dropped off").exists()

    # Choosing by hand works too, and a wrong choice is a clear 400 page.
    page.goto(live_server.url + kept.get_absolute_url() + "merge/?other=abc")
    assert page.get_by_text("Choose another record from the list.").is_visible()
    assert field(page, "Merge with").is_visible()
    check_page(page, "merge: bad choice")
