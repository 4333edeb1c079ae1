"""The partner portal in a real browser: a manager invites a contact; the
contact follows the emailed link on a phone without JavaScript, sees the
record, corrects a phone number, asks for support and says a delivery came
only in part; the manager sees all of it; a contact of another partner
sees none of it. Every portal page, in English and in Spanish, passes axe,
fits 360 px and is photographed for docs/screenshots/."""

import re

import pytest
from django.core import mail

from partners.models import Contact, DeliveryConfirmation, SupportRequest
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganizationFactory,
    SupportDeliveryFactory,
    UserFactory,
)

from .conftest import check_page, field, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CANARY = "CANARY-e2e-portal never call before noon"
LINK = re.compile(r"https?://[^/\s]+(/portal/link/[^/\s]+/)")


def _fits(page, name: str) -> None:
    check_page(page, name)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than the screen"
    screenshot(page, f"portal-{name}")


def _follow_emailed_link(page, live_server) -> None:
    path = LINK.search(mail.outbox[-1].body)[1]
    page.goto(live_server.url + path)
    _fits(page, "sign-in-link-en")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="What we keep about you").wait_for()


def test_a_partner_corrects_asks_and_confirms_and_the_manager_sees_it(open_page, live_server):
    manager = UserFactory(username="dana", first_name="Dana", groups=["Program managers"])
    owl = OrganizationFactory(name="Night Owl Crew", relationship_lead=manager, contact_preferences="Phone first.")
    rosa = ContactFactory(organization=owl, name_or_alias="Rosa", email="rosa@owl.example", phone="555-0100")
    InteractionFactory(organization=owl, summary="Planned the winter drop-in.", confidential_notes=CANARY)
    delivery = SupportDeliveryFactory(request__organization=owl, description="Forty naloxone kits.")
    velvet = OrganizationFactory(name="Velvet Hour Outreach")
    kim = ContactFactory(organization=velvet, name_or_alias="Kim", email="kim@velvet.example")

    staff = open_page()
    log_in(staff, live_server, "dana", "correct-horse-battery")
    staff.goto(live_server.url + owl.get_absolute_url())
    staff.locator("#portal").get_by_role("link", name="Rosa", exact=True).click()
    check_page(staff, "invite to the portal")
    staff.get_by_label("They agreed to use the portal").check()
    staff.get_by_role("button", name="Send the invitation").click()
    staff.get_by_text("Invitation sent to Rosa.").wait_for()

    phone = open_page(width=360, height=740, javascript=False)
    _follow_emailed_link(phone, live_server)
    html = phone.content()
    assert "Planned the winter drop-in." in html and CANARY not in html
    _fits(phone, "home-en")

    phone.get_by_role("link", name="Correct Rosa").click()
    _fits(phone, "contact-en")
    field(phone, "Phone").fill("555-0123")
    phone.get_by_role("button", name="Save").click()
    phone.get_by_text("Saved. Our staff see the change now.").wait_for()

    phone.get_by_role("link", name="Change how to reach you").click()
    _fits(phone, "preferences-en")
    phone.goto(live_server.url + "/portal/")

    phone.get_by_role("link", name="Ask for support").first.click()
    _fits(phone, "ask-en")
    field(phone, "What kind of support").select_option(value="training")
    field(phone, "What you need").fill("Naloxone training for eight volunteers")
    phone.get_by_role("button", name="Send the request").click()
    phone.get_by_text("Your request is with us").wait_for()
    _fits(phone, "request-en")

    phone.goto(live_server.url + "/portal/")
    phone.get_by_role("link", name=re.compile("^Did it arrive")).first.click()
    _fits(phone, "confirm-en")
    phone.get_by_label("Partly received").check()
    phone.get_by_label("Somewhat").check()
    field(phone, "Anything to add?").fill("Thirty kits came, not forty.")
    phone.get_by_role("button", name="Send your answer").click()
    phone.get_by_text("The staff who work with you see your answer.").wait_for()

    phone.get_by_role("link", name="Your data").click()
    _fits(phone, "data-en")

    rosa.refresh_from_db()
    assert rosa.phone == "555-0123"
    asked = SupportRequest.objects.get(submitted_by=rosa)
    assert DeliveryConfirmation.objects.get(delivery=delivery).received == "partly"

    staff.goto(live_server.url + "/")
    staff.get_by_text("Thirty kits came, not forty.").wait_for()
    check_page(staff, "my work with a partner's confirmation")
    staff.goto(live_server.url + asked.get_absolute_url())
    staff.get_by_text("asked in the portal by Rosa").wait_for()
    staff.goto(live_server.url + owl.get_absolute_url())
    assert "Partly received" in staff.content() and "Last signed in" in staff.content()
    check_page(staff, "partner page with portal access")
    screenshot(staff, "portal-staff-partner-page", max_height=2400)

    # In Spanish: the same pages, after one press of the language button.
    phone.goto(live_server.url + "/portal/")
    phone.get_by_role("button", name="Español").click()
    phone.get_by_role("heading", name="Lo que guardamos sobre ustedes").wait_for()
    _fits(phone, "home-es")
    for path, name in [
        (f"/portal/contacts/{rosa.pk}/", "contact-es"),
        ("/portal/preferences/", "preferences-es"),
        ("/portal/ask/", "ask-es"),
        (f"/portal/requests/{asked.pk}/", "request-es"),
        (f"/portal/deliveries/{delivery.pk}/", "confirm-es"),
        ("/portal/delete/", "data-es"),
    ]:
        phone.goto(live_server.url + path)
        _fits(phone, name)
    phone.get_by_role("button", name="Cerrar sesión").click()
    _fits(phone, "signed-out-es")

    # Signing in, for someone without a link, in both languages.
    for language in ("en", "es"):
        phone.goto(f"{live_server.url}/portal/sign-in/?lang={language}")
        _fits(phone, f"sign-in-{language}")
        field(phone, "Your email address" if language == "en" else "Su correo electrónico").fill("x@example.org")
        phone.get_by_role("button", name="Send me a link" if language == "en" else "Envíenme un enlace").click()
        _fits(phone, f"sign-in-sent-{language}")
        phone.goto(f"{live_server.url}/portal/link/{'x' * 43}/?lang={language}")
        _fits(phone, f"link-not-working-{language}")

    # Kim, of another partner, sees nothing of Night Owl Crew.
    other = open_page(width=360, height=740, javascript=False)
    from portal.emails import send_sign_in_link
    from tests.portal.conftest import give_access

    send_sign_in_link(give_access(kim))
    _follow_emailed_link(other, live_server)
    assert "Night Owl" not in other.content() and "Velvet Hour Outreach" in other.content()
    for path in (f"/portal/contacts/{rosa.pk}/", f"/portal/requests/{asked.pk}/", f"/portal/deliveries/{delivery.pk}/"):
        answer = other.goto(live_server.url + path)
        assert answer.status == 404 and "Night Owl" not in other.content()
    assert other.goto(live_server.url + owl.get_absolute_url()).status == 404
    assert Contact.objects.filter(pk=rosa.pk).exists()
