"""Surveys where the people are (issue 15): the survey's stable short
address and poster, printed one-time cards, a shared device at a desk, and
paper (to print, and typed in by staff)."""

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from surveys.choices import ResponseChannel
from surveys.models import Card, Response, Round
from surveys.services.cards import make_cards
from surveys.services.rounds import open_round
from surveys.services.short_address import short_code_of
from surveys.tokens import CODE_ALPHABET, shared_token
from surveys.views.respond_shared import ANSWERED_COOKIE, device_link
from tests.factories import InvitationFactory, QuestionFactory, RoundFactory, SurveyFactory
from tests.surveys.releasing import record

from .test_round_views import messages_of, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", anonymous=True, title="Drop-in check", title_es="Chequeo")
    QuestionFactory(survey=survey, kind="yes_no", text="Was the space welcoming?", text_es="¿Fue acogedor?")
    QuestionFactory(survey=survey, kind="long_text", text="Anything else?", required=True)
    return survey


@pytest.fixture
def live(survey):
    return open_round(survey)


def short(survey) -> str:
    return url("respond_short", short_code_of(survey))


def answers(survey) -> dict:
    first, second = survey.questions.order_by("position")
    return {f"q{first.pk}": "1", f"q{second.pk}": "Warm tea", "language": "en", "action": "submit"}


# --- the short address and the poster ------------------------------------------


def test_the_short_address_is_short_stable_and_answers_the_open_round(client, survey, live):
    code = short_code_of(survey)
    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)
    assert len(f"crm.example.org/r/{code}") < 30
    page = client.get(short(survey))
    assert page.status_code == 200
    assert "Was the space welcoming?" in page.content.decode()
    sent = client.post(short(survey), answers(survey))
    assert sent.status_code == 302
    assert sent["Location"].startswith(url("respond_short_done", code))
    assert Response.objects.get().channel == ResponseChannel.SHARED
    # The next round: the same address.
    live.closes_at = timezone.now() - timedelta(seconds=1)
    live.save()
    later = open_round(survey)
    assert short_code_of(survey) == code
    assert Client().post(short(survey), answers(survey)).status_code == 302
    assert Response.objects.filter(round=later).count() == 1


def test_the_cookie_that_says_someone_answered_ends_with_the_round(client, survey, live):
    sent = client.post(short(survey), answers(survey))
    cookie = sent.cookies[ANSWERED_COOKIE]
    assert cookie["path"] == short(survey)
    assert cookie["httponly"]
    expires = parsedate_to_datetime(cookie["expires"])
    assert abs(expires - live.closes_at) < timedelta(seconds=2)
    assert "You already answered this survey from this device." in client.get(short(survey)).content.decode()


def test_a_typed_code_in_any_case_finds_its_address(client, survey, live):
    code = short_code_of(survey)
    moved = client.get(url("respond_short", code.lower()))
    assert moved.status_code == 302 and moved["Location"] == short(survey)


def test_between_rounds_the_address_says_the_survey_is_not_open(client, survey):
    page = client.get(short(survey))
    assert page.status_code == 200
    assert "This survey is not open right now." in page.content.decode()


@pytest.mark.parametrize("code", ["ABCD2345", "abcd-2345", "O0O0O0O0", "x" * 43])
def test_an_unknown_code_gets_the_link_does_not_work_page(client, survey, live, code):
    page = client.get(url("respond_short", code))
    assert page.status_code == 404
    assert "This link does not work anymore" in page.content.decode()


def test_a_named_survey_has_no_short_address(client):
    named = SurveyFactory(status="active", anonymous=False)
    open_round(named)
    assert client.get(url("respond_short", short_code_of(named))).status_code == 404


def test_the_poster_shows_the_short_address_and_a_qr_code_that_scales(manager_client, leader_client, survey, live):
    page = manager_client.get(url("survey_poster", survey.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"testserver/r/{short_code_of(survey)}</strong>" in html
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert "viewBox" in svg and "width=" not in svg  # scales to its box: nothing cropped
    assert device_link(survey) in html
    assert leader_client.get(url("survey_poster", survey.pk)).status_code == 403
    # The round's old poster address leads to the survey's.
    assert manager_client.get(url("round_poster", live.pk))["Location"] == url("survey_poster", survey.pk)
    # Posters printed before still work.
    assert Client().get(url("respond_shared", shared_token(live.pk))).status_code == 200


def test_no_poster_for_a_named_survey(manager_client):
    named = SurveyFactory(status="active", anonymous=False)
    assert manager_client.get(url("survey_poster", named.pk)).status_code == 404


# --- printed one-time cards -------------------------------------------------------


def print_cards(manager_client, survey_round, count=3) -> list[str]:
    sheet = manager_client.post(url("round_cards", survey_round.pk), {"count": count})
    assert sheet.status_code == 200
    return re.findall(r'class="survey-card-code">([A-Z0-9-]+)<', sheet.content.decode())


def test_cards_are_shown_once_and_kept_only_as_keyed_hashes(manager_client, live):
    codes = print_cards(manager_client, live)
    assert len(codes) == 3 and all(re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code) for code in codes)
    stored = " ".join(Card.objects.values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in stored for code in codes)
    assert list(AuditEvent.objects.filter(action=AuditAction.CARDS_PRINTED).values_list("target", flat=True)) == [
        f"round {live.pk}, 3 cards"
    ]


@pytest.mark.parametrize("count", ["0", "201", "many", ""])
def test_a_bad_number_of_cards_is_refused(manager_client, live, count):
    refused = manager_client.post(url("round_cards", live.pk), {"count": count})
    assert refused.status_code == 400
    assert not Card.objects.exists()


def test_a_card_opens_one_response_counted_with_the_invited(manager_client, survey, live):
    code = print_cards(manager_client, live, 1)[0]
    person = Client()
    landing = person.get(short(survey)).content.decode()
    assert "Do you have a card with a code?" in landing
    card_url = url("respond_card", short_code_of(survey))
    opened = person.post(card_url, {"card": f" {code.lower()} ", "language": "en"})
    assert opened.status_code == 200
    assert "Was the space welcoming?" in opened.content.decode()
    assert 'name="card"' in opened.content.decode()

    sent = person.post(card_url, {**answers(survey), "card": code})
    again = Client().post(card_url, {**answers(survey), "card": code})

    assert sent.status_code == 302
    assert Response.objects.get().channel == ResponseChannel.INVITED
    assert again.status_code == 400
    assert "This code does not work." in again.content.decode()
    assert Response.objects.count() == 1


def test_without_a_card_the_survey_is_one_click_away(manager_client, survey, live):
    print_cards(manager_client, live, 1)
    landing = Client().get(short(survey)).content.decode()
    without = re.search(r'href="([^"]*start=1[^"]*)"', landing).group(1).replace("&amp;", "&")
    assert "Was the space welcoming?" in Client().get(without).content.decode()


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCD23456789", "<b>x</b>"])
def test_a_wrong_card_code_is_refused_with_a_message(client, survey, live, typed):
    refused = client.post(url("respond_card", short_code_of(survey)), {"card": typed})
    assert refused.status_code == 400
    assert "This code does not work." in refused.content.decode()


def test_a_card_of_another_round_does_not_work(manager_client, survey, live):
    other_round = open_round(SurveyFactory(status="active", anonymous=True))
    code = print_cards(manager_client, other_round, 1)[0]
    refused = Client().post(url("respond_card", short_code_of(survey)), {**answers(survey), "card": code})
    assert refused.status_code == 400
    assert not Response.objects.exists()


# --- a shared device at a desk ------------------------------------------------------


def test_a_shared_device_starts_again_for_the_next_person_and_remembers_nobody(survey, live):
    tablet = Client()
    address = device_link(survey).removeprefix("http://testserver")
    for person in range(2):
        assert "Was the space welcoming?" in tablet.get(address).content.decode()
        sent = tablet.post(address, answers(survey))
        assert sent.status_code == 302, person
        assert ANSWERED_COOKIE not in sent.cookies
        thanks = tablet.get(sent["Location"]).content.decode()
        assert f'href="{address}">Next person' in thanks.replace("&amp;", "&")
    assert Response.objects.count() == 2


def test_a_forged_device_value_is_an_ordinary_browser(client, survey, live):
    address = short(survey) + "?device=forged"
    client.post(address, answers(survey))
    assert "You already answered" in client.get(address).content.decode()


# --- paper ---------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "expected"), [("en", "Was the space welcoming?"), ("es", "¿Fue acogedor?")])
def test_the_paper_version_prints_every_question(manager_client, survey, language, expected):
    page = manager_client.get(url("survey_paper", survey.pk) + f"?lang={language}")
    html = page.content.decode()
    assert page.status_code == 200
    assert expected in html
    assert html.count('class="paper-box paper-box-round"') >= 2  # yes / no
    assert 'class="paper-lines"' in html
    assert "<script" not in html.split('<article class="paper-form"', 1)[1]


def test_paper_answers_are_typed_in_counted_apart_and_show_nobody_who(manager_client, survey, live):
    first, second = survey.questions.order_by("position")
    saved = manager_client.post(url("round_paper_entry", live.pk), {f"q{first.pk}": "0", "language": "en"})
    assert saved.status_code == 302 and saved["Location"] == url("round_paper_entry", live.pk)
    response = Response.objects.get()
    assert response.channel == ResponseChannel.PAPER  # its own unit
    assert "Saved." in " ".join(messages_of(saved))
    page = manager_client.get(saved["Location"]).content.decode()
    assert "checked" not in page  # the form is empty again
    assert not AuditEvent.objects.filter(target__contains=str(response.pk)).exists()


def test_paper_answers_refuse_bad_input(manager_client, survey, live):
    first = survey.questions.order_by("position").first()
    refused = manager_client.post(url("round_paper_entry", live.pk), {f"q{first.pk}": "7"})
    assert refused.status_code == 400
    assert not Response.objects.exists()


def test_paper_answers_only_while_the_round_is_open(manager_client, live):
    live.closes_at = timezone.now() - timedelta(seconds=1)
    live.save()
    assert manager_client.get(url("round_paper_entry", live.pk)).status_code == 302
    assert manager_client.post(url("round_paper_entry", live.pk), {}).status_code == 302
    assert not Response.objects.exists()


def test_leadership_cannot_enter_paper_answers_or_print_cards(leader_client, live):
    assert leader_client.get(url("round_paper_entry", live.pk)).status_code == 403
    assert leader_client.post(url("round_cards", live.pk), {"count": 1}).status_code == 403
    assert reverse("surveys:round_cards", args=[live.pk])


def test_printed_cards_count_in_the_response_rate(leader_client):
    question = QuestionFactory(survey=SurveyFactory(status="active"))
    survey_round = RoundFactory(survey=question.survey)
    make_cards(survey_round, 10)
    InvitationFactory.create_batch(5, round=survey_round, state="sent")
    record(survey_round, question, [4, 4, 4, 4, 4])  # five more invitations, each answered
    counted = Round.objects.with_counts().get(pk=survey_round.pk)
    assert (counted.invited, counted.card_count, counted.asked, counted.invited_responses) == (10, 10, 20, 5)
    html = leader_client.get(reverse("surveys:survey_results", args=[question.survey.pk])).content.decode()
    assert "+ 10 cards" in html and "25%" in html


@pytest.mark.parametrize(("counted", "invitation_scans"), [("with_participation", 1), ("with_counts", 5)])
def test_each_count_is_one_subquery(counted, invitation_scans):
    """An annotation written as the sum of others repeats their subqueries
    in the SQL, and the database runs each again: `asked` made PostgreSQL
    count every round's invitations twice, with_counts' states three times."""
    sql = str(getattr(Round.objects, counted)().query)
    assert sql.count('FROM "surveys_invitation"') == invitation_scans
    assert sql.count('FROM "surveys_card"') == 1
