"""The main pages on demo data, on a laptop (1280 px) and on a small phone
(360 px): each one checked with axe, checked for horizontal overflow, and
saved as a screenshot under docs/screenshots/ for the README."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from partners.models import Organization
from surveys.models import Invitation, InvitationToken, Recipient, Round, Survey
from surveys.tokens import new_token

from .conftest import check_page, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEVICES = {"desktop": (1280, 900), "phone": (360, 740)}
SHOT_HEIGHT = {"desktop": 1600, "phone": 1480}  # the top of each page: enough to see it, small enough for a gallery


def _demo():
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_surveys", verbosity=0)
    partner = Organization.objects.annotate(n=Count("interactions")).order_by("-n", "name").first()
    survey = Survey.objects.get(audience="participants", status="active")
    past_round = survey.rounds.order_by("opened_at").first()
    return partner, survey, past_round


def _invitation_link(live_server, survey: Survey) -> str:
    """A fresh emailed link to an open round of the participants' survey."""
    survey_round = survey.rounds.filter(status="open").first() or Round.objects.create(
        survey=survey, closes_at=timezone.now() + timedelta(days=21)
    )
    recipient = Recipient.objects.create(audience="participants", email=f"{new_token()[1][:8]}@example.org")
    invitation = Invitation.objects.create(round=survey_round, recipient=recipient, state="sent")
    raw, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    return f"{live_server.url}/s/{raw}/"


def _visit(page, name: str, device: str) -> None:
    """Nothing to scroll sideways but the tables' own scrolling boxes, axe
    finds nothing, and the screenshot is saved."""
    check_page(page, f"{name} ({device})")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} ({device}) is {overflow}px wider than the screen"
    screenshot(page, f"{name}-{device}", max_height=SHOT_HEIGHT[device])


@pytest.mark.parametrize("device", list(DEVICES))
def test_main_pages_fit_pass_axe_and_are_photographed(open_page, live_server, device):
    partner, survey, past_round = _demo()
    width, height = DEVICES[device]
    page = open_page(width=width, height=height)
    log_in(page, live_server, "manager", "demo-manager-pass")
    staff_pages = [
        ("home", "/"),
        ("partners", "/partners/"),
        ("tags", "/partners/tags/"),
        ("partner-detail", partner.get_absolute_url()),
        ("interaction-form", f"/partners/{partner.pk}/interactions/new/"),
        ("surveys", "/surveys/"),
        ("survey-detail", survey.get_absolute_url()),
        ("round", f"/surveys/rounds/{past_round.pk}/"),
        ("results", f"/surveys/{survey.pk}/results/"),
        ("dashboard", "/dashboard/"),
        ("board-report", "/dashboard/report/"),
    ]
    for name, path in staff_pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        _visit(page, name, device)

    # The respondent's pages, as a participant sees them: no JavaScript.
    respondent = open_page(width=width, height=height, javascript=False)
    respondent.goto(_invitation_link(live_server, survey))
    _visit(respondent, "respond-en", device)
    respondent.get_by_role("button", name="Español").click()
    respondent.get_by_role("button", name="Enviar mis respuestas").wait_for()
    _visit(respondent, "respond-es", device)
    respondent.get_by_role("button", name="English").click()
    respondent.get_by_role("radio").first.check()
    respondent.get_by_role("button", name="Send my answers").click()
    respondent.get_by_role("heading", name="Thank you").wait_for()
    _visit(respondent, "thanks", device)
