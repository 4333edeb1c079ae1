"""A program manager records a new relationship end to end in a real browser,
and leadership then reads the same pages without confidential notes."""

import datetime
import re

import pytest

from partners.models import SupportRequest
from tests.factories import UserFactory

from .conftest import check_page, field, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"
SECRET_NOTE = "Meets us only at the back entrance"
PARTNER = "Harbor Light Peer Network"


def _home_sections(page):
    follow_ups = page.get_by_role("region", name=re.compile("^My follow-ups due"))
    open_requests = page.get_by_role("region", name="Open requests, oldest first")
    return follow_ups, open_requests


def _deliver(page, what: str, money: str, status: str) -> None:
    page.get_by_role("link", name="Record support delivered").click()
    check_page(page, "delivery form")
    field(page, "What was given").fill(what)
    field(page, "Money").fill(money)
    field(page, "After this delivery, the request is").select_option(label=status)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Delivery recorded.").wait_for()
    check_page(page, f"request after a delivery ({status})")


def test_manager_adds_a_partner_logs_work_and_sees_it_on_home(open_page, live_server):
    UserFactory(username="dana", first_name="Dana", groups=["Program managers"])
    UserFactory(username="lee", first_name="Lee", groups=["Leadership"])
    page = open_page()
    log_in(page, live_server, "dana", PASSWORD)
    follow_ups, open_requests = _home_sections(page)
    assert follow_ups.get_by_text("Nothing due. Well done.").is_visible()
    assert open_requests.get_by_text("No open requests.").is_visible()

    page.goto(live_server.url + "/partners/new/")
    check_page(page, "partner form")
    field(page, "Name").fill(PARTNER)
    field(page, "Kind").select_option(label="Sex-worker-led safety organization")
    field(page, "Relationship stage").select_option(label="Building trust")
    field(page, "Keep in touch every (days)").fill("21")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=PARTNER).wait_for()
    check_page(page, "new partner")

    page.get_by_role("link", name="Add a contact").click()
    check_page(page, "contact form")
    field(page, "Name or alias").fill("Starling")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("cell", name="Starling", exact=True).wait_for()
    check_page(page, "partner with a contact")

    today = datetime.date.today()
    page.get_by_role("main").get_by_role("link", name="Log an interaction").click()
    check_page(page, "interaction form")
    page.get_by_role("checkbox", name="Starling").check()
    field(page, "Summary").fill("Talked about a room for their monthly meeting.")
    field(page, "Confidential notes").fill(SECRET_NOTE)
    field(page, "Follow up on").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Interaction logged.").wait_for()
    check_page(page, "partner with an interaction")

    page.get_by_role("link", name="Record a request").click()
    check_page(page, "request form")
    field(page, "Category").select_option(label="Emergency funds")
    field(page, "What they asked for").fill("Rent help for two members")
    field(page, "Amount asked").fill("500")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Request recorded.").wait_for()
    check_page(page, "request")
    _deliver(page, "First payment", "200", "Partly fulfilled")
    assert SupportRequest.objects.get().status == "partly_fulfilled"

    page.get_by_role("link", name=PARTNER).first.click()
    page.get_by_text("Still outstanding: $300.00").wait_for()
    page.get_by_text(SECRET_NOTE).wait_for()
    check_page(page, "partner with a partly fulfilled request")

    # Home now shows the follow-up (due today) and the partly fulfilled request.
    page.goto(live_server.url + "/")
    check_page(page, "home with work")
    follow_ups, open_requests = _home_sections(page)
    follow_ups.get_by_role("link", name=PARTNER, exact=True).wait_for()
    assert "due" in follow_ups.get_by_role("listitem").inner_text()
    row = open_requests.get_by_role("row").filter(has_text=PARTNER)
    assert "Partly fulfilled" in row.inner_text()

    # The rest of the money: the request is fulfilled and leaves the open list.
    row.get_by_role("link", name="Emergency funds").click()
    check_page(page, "request from home")
    _deliver(page, "Second payment", "300", "Fulfilled")
    page.get_by_role("heading", name=re.compile("Emergency funds")).get_by_text("Fulfilled").wait_for()
    assert SupportRequest.objects.get().status == "fulfilled"
    page.get_by_role("link", name=PARTNER).first.click()
    assert page.get_by_text("Still outstanding").count() == 0
    check_page(page, "partner with a fulfilled request")

    page.goto(live_server.url + "/")
    check_page(page, "home after fulfilment")
    follow_ups, open_requests = _home_sections(page)
    open_requests.get_by_text("No open requests.").wait_for()
    follow_ups.get_by_role("link", name=PARTNER, exact=True).wait_for()

    # Leadership: the same partner page, read-only, without the note.
    leader = open_page()
    log_in(leader, live_server, "lee", PASSWORD)
    leader.goto(live_server.url + "/partners/")
    check_page(leader, "partner list (leadership)")
    leader.get_by_role("link", name=PARTNER).click()
    leader.get_by_text("Talked about a room").wait_for()
    check_page(leader, "partner (leadership)")
    assert SECRET_NOTE not in leader.content()
    assert leader.get_by_role("link", name="Edit partner").count() == 0
    response = leader.goto(live_server.url + "/partners/new/")
    assert response.status == 403
    check_page(leader, "403")
