"""Surveys where the people are, in a real Chromium (issue 15):

- the poster's QR code, on screen and printed to PDF, read back by a real
  decoder (zbar) to the survey's exact short address;
- on a 360 px phone with JavaScript off: a person answers at the short
  address with a printed card's code; a tablet in shared-device mode takes
  two people in a row; a program manager types in a paper form."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.choices import ResponseChannel
from surveys.models import Response, Round, Survey
from surveys.services.cards import make_cards
from surveys.services.short_address import short_code_of, short_url
from surveys.views.respond_shared import device_link
from tests.factories import UserFactory

from .conftest import check_page, field, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"


def _survey() -> tuple[Survey, Round]:
    survey = Survey.objects.create(
        title="Drop-in check-in",
        title_es="Chequeo del centro",
        audience="participants",
        status="active",
        anonymous=True,
        estimated_minutes=2,
    )
    survey.questions.create(position=1, kind="yes_no", text="Was the space welcoming?", text_es="¿Fue acogedor?")
    survey.questions.create(position=2, kind="short_text", text="One thing to change", text_es="Algo que cambiar")
    survey_round = Round.objects.create(survey=survey, closes_at=timezone.now() + timedelta(days=14))
    return survey, survey_round


def _decode(image) -> list[str]:
    """What zbar reads in the image: the QR codes' texts."""
    command = ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)]
    found = subprocess.run(  # noqa: S603 - Debian's zbarimg on our own file
        command,
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.split()


def test_the_poster_qr_code_decodes_to_the_short_address_on_screen_and_printed(open_page, live_server, tmp_path):
    for tool in ("zbarimg", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool} (Debian's zbar-tools and poppler-utils; .ci/run installs them)")
    survey, _ = _survey()
    UserFactory(username="dana", first_name="Dana", groups=["Program managers"])
    page = open_page()
    log_in(page, live_server, "dana", PASSWORD)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/poster/")
    check_page(page, "poster")
    address = short_url(survey)

    page.locator(".poster").screenshot(path=tmp_path / "screen.png")
    screenshot(page, "poster")
    page.pdf(path=tmp_path / "poster.pdf", format="A4", print_background=True)
    to_png = ["pdftoppm", "-png", "-r", "150", str(tmp_path / "poster.pdf"), str(tmp_path / "printed")]
    subprocess.run(to_png, check=True)  # noqa: S603 - poppler's pdftoppm on our own file
    printed_pages = sorted(tmp_path.glob("printed*.png"))

    assert _decode(tmp_path / "screen.png") == [address]
    assert len(printed_pages) == 1  # the poster fits one A4 page
    assert _decode(printed_pages[0]) == [address]
    assert address.endswith(f"/r/{short_code_of(survey)}/")


def test_a_card_a_shared_tablet_and_a_paper_form(open_page, live_server):
    survey, survey_round = _survey()
    (card,) = make_cards(survey_round, 1)
    short = short_url(survey).replace("http://testserver", live_server.url)

    # 1. A person with a printed card, on a phone without JavaScript.
    phone = open_page(width=360, height=740, javascript=False)
    phone.goto(short)
    check_page(phone, "short address: type a card's code")
    screenshot(phone, "card-code-phone")
    phone.get_by_label("Do you have a card with a code? Type the code here").fill(f"{card[:4].lower()} {card[4:]}")
    phone.get_by_role("button", name="Start with my code").click()
    phone.get_by_role("heading", name="Drop-in check-in").wait_for()
    check_page(phone, "survey opened by a card")
    phone.get_by_role("radio", name="Yes").check()
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_role("heading", name="Thank you").wait_for()
    check_page(phone, "thank-you after a card")
    assert list(Response.objects.values_list("channel", flat=True)) == [ResponseChannel.INVITED]

    # 2. A tablet at the desk: two people in a row, nothing remembered between them.
    tablet = open_page(width=360, height=740, javascript=False)
    tablet.goto(device_link(survey).replace("http://testserver", live_server.url))
    for person, words in enumerate(["More chairs", "Longer hours"]):
        without_card = tablet.get_by_role("link", name="No card? Answer without one")
        without_card.click()
        tablet.get_by_label("One thing to change").fill(words)
        tablet.get_by_role("button", name="Send my answers").click()
        tablet.get_by_role("link", name="Next person").wait_for()
        check_page(tablet, f"shared device: thank-you {person + 1}")
        if person == 0:
            screenshot(tablet, "shared-device-next-person")
        assert not [c for c in tablet.context.cookies() if c["name"] == "answered_rounds"]
        tablet.get_by_role("link", name="Next person").click()
        tablet.get_by_role("heading", name="Drop-in check-in").wait_for()
    assert Response.objects.filter(channel=ResponseChannel.SHARED).count() == 2

    # 3. A program manager types in a paper form.
    UserFactory(username="dana", first_name="Dana", groups=["Program managers"])
    desk = open_page(javascript=False)
    log_in(desk, live_server, "dana", PASSWORD)
    desk.goto(f"{live_server.url}/surveys/rounds/{survey_round.pk}/paper/")
    check_page(desk, "paper entry")
    desk.get_by_role("radio", name="No").check()
    field(desk, "One thing to change").fill("Quieter room")
    desk.get_by_role("button", name="Save this paper form").click()
    desk.get_by_text("Saved. The form is empty again for the next paper.").wait_for()
    check_page(desk, "paper entry, saved")
    assert not desk.get_by_role("radio", name="No").is_checked()
    assert Response.objects.filter(channel=ResponseChannel.PAPER).count() == 1
    desk.goto(f"{live_server.url}/surveys/{survey.pk}/paper/?lang=es")
    check_page(desk, "paper version (Spanish)")
    screenshot(desk, "paper-version-spanish")
