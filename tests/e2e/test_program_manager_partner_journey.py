"""A program manager records a new relationship end to end in a real browser,
and leadership then reads the same pages without confidential notes."""

import datetime

import pytest

from partners.models import SupportRequest
from tests.factories import UserFactory

from .conftest import field, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
SECRET_NOTE = "Meets us only at the back entrance"


def test_manager_adds_a_partner_logs_work_and_sees_it_on_home(open_page, live_server):
    UserFactory(username="dana", first_name="Dana", groups=["Program managers"])
    UserFactory(username="lee", first_name="Lee", groups=["Leadership"])
    page = open_page()
    log_in(page, live_server, "dana", PASSWORD)

    page.goto(live_server.url + "/partners/new/")
    field(page, "Name").fill("Harbor Light Peer Network")
    field(page, "Kind").select_option(label="Sex-worker-led safety organization")
    field(page, "Relationship stage").select_option(label="Building trust")
    field(page, "Keep in touch every (days)").fill("21")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Harbor Light Peer Network").wait_for()

    page.get_by_role("link", name="Add a contact").click()
    field(page, "Name or alias").fill("Starling")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("cell", name="Starling", exact=True).wait_for()

    today = datetime.date.today()
    page.get_by_role("main").get_by_role("link", name="Log an interaction").click()
    page.get_by_role("checkbox", name="Starling").check()
    field(page, "Summary").fill("Talked about a room for their monthly meeting.")
    field(page, "Confidential notes").fill(SECRET_NOTE)
    field(page, "Follow up on").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Interaction logged.").wait_for()

    page.get_by_role("link", name="Record a request").click()
    field(page, "Category").select_option(label="Emergency funds")
    field(page, "What they asked for").fill("Rent help for two members")
    field(page, "Amount asked").fill("500")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record support delivered").click()
    field(page, "What was given").fill("First payment")
    field(page, "Money").fill("200")
    field(page, "After this delivery, the request is").select_option(label="Partly fulfilled")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Delivery recorded.").wait_for()
    assert SupportRequest.objects.get().status == "partly_fulfilled"

    page.get_by_role("link", name="Harbor Light Peer Network").first.click()
    page.get_by_text("Still outstanding: 300.00").wait_for()
    page.get_by_text(SECRET_NOTE).wait_for()
    screenshot(page, "partner-detail-desktop")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Harbor Light Peer Network").first.wait_for()
    page.get_by_role("cell", name="Harbor Light Peer Network", exact=True).wait_for()
    screenshot(page, "home-desktop")
    assert page.foreign_requests == []

    # Leadership: the same partner page, read-only, without the note.
    leader = open_page()
    log_in(leader, live_server, "lee", PASSWORD)
    leader.goto(live_server.url + "/partners/")
    leader.get_by_role("link", name="Harbor Light Peer Network").click()
    leader.get_by_text("Talked about a room").wait_for()
    assert SECRET_NOTE not in leader.content()
    assert leader.get_by_role("link", name="Edit partner").count() == 0
    response = leader.goto(live_server.url + "/partners/new/")
    assert response.status == 403
    assert leader.foreign_requests == []
