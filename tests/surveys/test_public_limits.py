"""The public survey pages' three budgets (surveys/views/limits.py): per
client address, per private link, per round on its shared link. A crowd
behind one address can answer; a link cannot be hammered from many
addresses; one client over its budget locks nobody else out."""

import pytest
from django.test import Client
from django.urls import reverse

from surveys.models import Response
from surveys.services.rounds import open_round
from surveys.tokens import shared_token
from surveys.views.limits import PER_ADDRESS, PER_LINK, PER_ROUND, allowed
from tests.factories import QuestionFactory, SurveyFactory

from .test_respond_views import invite, link

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", anonymous=True)
    QuestionFactory(survey=survey, kind="yes_no", text="Was the space welcoming?", required=True)
    return survey


def answers(survey) -> dict:
    return {f"q{survey.questions.get().pk}": "1", "language": "en"}


def test_a_crowd_behind_one_address_can_answer(survey, frozen_clock):
    """Forty people at a drop-in centre, on its Wi-Fi, each with their own
    link, open it and answer within one minute. Under the old limit of 30
    requests a minute per address, the sixteenth person was refused."""
    people = [invite(survey)[1] for _ in range(40)]
    wifi = Client(REMOTE_ADDR="192.0.2.10")
    opened = [wifi.get(link(raw)).status_code for raw in people]
    sent = [Client(REMOTE_ADDR="192.0.2.10").post(link(raw), answers(survey)).status_code for raw in people]
    assert set(opened) == {200}
    assert set(sent) == {302}
    assert Response.objects.count() == 40


def test_one_address_over_its_budget_locks_out_nobody_else(survey, frozen_clock):
    _, raw = invite(survey)
    guesser = Client(REMOTE_ADDR="192.0.2.66")
    guesses = [guesser.get(link(f"guess{n}")).status_code for n in range(allowed(PER_ADDRESS) + 1)]
    assert guesses[:-1] == [404] * allowed(PER_ADDRESS)
    assert guesses[-1] == 429
    assert guesser.get(link(raw)).status_code == 429  # every page, a real link too
    assert guesser.post(link(raw), answers(survey)).status_code == 429
    assert not Response.objects.exists()
    person = Client(REMOTE_ADDR="198.51.100.23")
    assert person.get(link(raw)).status_code == 200
    assert person.post(link(raw), answers(survey)).status_code == 302


def test_a_link_cannot_be_hammered_from_many_addresses(survey, frozen_clock):
    """What an attacker cannot multiply: each request from a new address,
    all at one link, stop at the link's budget. The opt-out page shares it.
    Another link, from the same addresses, is untouched."""
    _, raw = invite(survey)
    _, other = invite(survey)
    statuses = [Client(REMOTE_ADDR=f"10.9.{n // 250}.{n % 250}").get(link(raw)).status_code for n in range(40)]
    assert statuses == [200] * allowed(PER_LINK) + [429] * (40 - allowed(PER_LINK))
    opt_out = reverse("surveys:opt_out", args=[raw])
    assert Client(REMOTE_ADDR="10.9.9.9").post(opt_out).status_code == 429
    assert Client(REMOTE_ADDR="10.9.0.1").get(link(other)).status_code == 200


def test_a_shared_link_has_the_rounds_budget_whatever_the_addresses(survey, frozen_clock):
    survey_round = open_round(survey)
    shared = reverse("surveys:respond_shared", args=[shared_token(survey_round.pk)])
    statuses = [
        Client(REMOTE_ADDR=f"10.8.{n // 250}.{n % 250}").get(shared).status_code for n in range(allowed(PER_ROUND) + 1)
    ]
    assert statuses == [200] * allowed(PER_ROUND) + [429]
    # The budget is per round: another round's poster still opens.
    other_round = open_round(SurveyFactory(status="active", anonymous=True))
    other = reverse("surveys:respond_shared", args=[shared_token(other_round.pk)])
    assert Client(REMOTE_ADDR="10.8.9.9").get(other).status_code == 200
