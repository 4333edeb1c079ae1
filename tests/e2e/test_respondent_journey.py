"""A participant on a small phone with JavaScript off answers from the emailed
link: a mistake, a fix that keeps every answer, a switch to Spanish, the
thank-you page, and the friendly page when the link is opened again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import Invitation, InvitationToken, Recipient, Response, Round, Survey
from surveys.tokens import new_token

from .conftest import check_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _invitation_link(live_server) -> str:
    survey = Survey.objects.create(
        title="Wellbeing check-in",
        title_es="Chequeo de bienestar",
        audience="participants",
        status="active",
        anonymous=True,
        estimated_minutes=3,
    )
    survey.questions.create(
        position=1, kind="agreement", text="Staff treat me with respect", text_es="El personal me trata con respeto"
    )
    survey.questions.create(
        position=2,
        kind="short_text",
        required=True,
        text="Which day suits you best?",
        text_es="¿Qué día le queda mejor?",
    )
    recipient = Recipient.objects.create(audience="participants", email="p@example.org", consent=True)
    survey_round = Round.objects.create(survey=survey, closes_at=timezone.now() + timedelta(days=14))
    invitation = Invitation.objects.create(round=survey_round, recipient=recipient, state="sent")
    raw, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    return f"{live_server.url}/s/{raw}/"


def test_a_participant_answers_in_spanish_on_a_phone_without_javascript(open_page, live_server):
    link = _invitation_link(live_server)
    page = open_page(width=360, height=740, javascript=False)
    page.goto(link)
    check_page(page, "survey (English)")
    page.get_by_role("radio", name="Agree", exact=True).check()
    # The mistake: the required question left empty.
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Some answers need another look").wait_for()
    check_page(page, "survey with a mistake")
    screenshot(page, "respond-mistake-phone")
    assert page.get_by_role("radio", name="Agree", exact=True).is_checked()
    assert Response.objects.count() == 0

    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Chequeo de bienestar").wait_for()
    check_page(page, "survey (Spanish)")
    assert page.get_by_role("radio", name="De acuerdo", exact=True).is_checked()
    page.get_by_label("¿Qué día le queda mejor?").fill("Los jueves")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    page.get_by_role("heading", name="Gracias").wait_for()
    check_page(page, "thank-you (Spanish)")
    assert Response.objects.count() == 1  # no language kept: it would pair a response with its invitation

    page.goto(link)
    page.get_by_role("heading", name="This link does not work anymore").wait_for()
    check_page(page, "link does not work")
    assert Response.objects.count() == 1


def test_keyboard_only_completion(open_page, live_server):
    link = _invitation_link(live_server)
    page = open_page(width=360, height=740, javascript=False)
    page.goto(link)
    check_page(page, "survey (keyboard)")
    page.get_by_role("radio", name="Strongly agree").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    for _ in range(8):  # tab to the text box, whatever sits between
        if page.evaluate("document.activeElement && document.activeElement.type") == "text":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("Mondays")
    page.keyboard.press("Enter")  # does not send a half-filled survey
    page.wait_for_timeout(300)
    assert page.get_by_role("heading", name="Wellbeing check-in").is_visible()
    assert Response.objects.count() == 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send my answers"
    page.keyboard.press("Enter")  # on the button: sends
    page.get_by_role("heading", name="Thank you").wait_for()
    check_page(page, "thank-you (keyboard)")
    assert Response.objects.get().answers.count() == 2


def test_enter_moves_to_the_next_field_where_javascript_runs(open_page, live_server):
    link = _invitation_link(live_server)
    page = open_page(width=360, height=740)
    page.goto(link)
    page.get_by_label("Which day suits you best?").fill("Fridays")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send my answers"
    assert Response.objects.count() == 0


def test_leave_this_page_is_there_and_leaves_no_way_back(open_page, live_server, settings):
    """The quick exit replaces the page in the history (where JavaScript
    runs), so Back does not bring the survey up again."""
    link = _invitation_link(live_server)
    page = open_page(width=360, height=740)
    page.context.route("https://www.google.com/**", lambda route: route.fulfill(body="<title>Weather</title>"))
    page.goto(live_server.url + "/s/thanks/")
    page.goto(link)
    leave = page.get_by_role("link", name="Leave this page")
    assert leave.is_visible() and leave.get_attribute("rel") == "noreferrer"
    leave.click()
    page.wait_for_url(settings.QUICK_EXIT_URL)
    page.go_back()
    assert page.url == live_server.url + "/s/thanks/"
    # The person chose to leave for that site: not a request our pages made.
    page.foreign_requests.clear()
