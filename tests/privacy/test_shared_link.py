"""Stuffing the shared link: a round's private-link answers stay below k, so
they are held. An insider with the poster answers through the shared link
again and again, each time from a fresh browser, until the round has far
more than k answers, hoping the few real ones are then shown beside theirs.

Shared-link answers are their own unit with their own threshold: they can
never lift a round's private-link answers to k. And the shared link is for
program managers to print: leadership gets neither the poster nor the link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.services.short_address import short_code_of
from surveys.tokens import shared_token

from .attacks import canary_survey, k, k_shared, looking_as, released_by, shared_link_from_poster
from .leaks import canary_leaks, figure_leaks, listing
from .surfaces import fetch_all

pytestmark = pytest.mark.django_db

REAL_ANSWERS = 3  # below k: this round's private-link answers must stay held


@pytest.fixture
def stuffed_round(crowd, run_the_beat_until, program_manager):
    survey = canary_survey("participants")
    run_the_beat_until(timezone.now())
    survey_round = crowd.open_round(survey, invite=8)
    run_the_beat_until(timezone.now() + datetime.timedelta(days=1))
    for _person in range(REAL_ANSWERS):
        crowd.answer_invited(survey_round, canary="stuffed")
    link = shared_link_from_poster(looking_as(program_manager), survey_round)
    for _visit in range(max(k(), k_shared()) + 2):
        crowd.answer_shared(link, survey, tag="insider")
    run_the_beat_until(released_by(survey_round))
    return survey_round


@pytest.mark.parametrize("role", ["program_manager", "leader"])
def test_shared_link_answers_do_not_lift_real_answers_to_k(request, role, stuffed_round):
    pages = fetch_all(looking_as(request.getfixturevalue(role)))

    # The control: the insider's shared-link answers, a unit of their own, are shown.
    assert canary_leaks(pages, marker="released-ok-insider"), "the shared-link answers were never released"
    leaks = figure_leaks(pages)
    assert not leaks, f"{len(leaks)} leaks of the {REAL_ANSWERS} real answers:\n" + listing(leaks)


def test_leadership_gets_neither_the_poster_nor_the_shared_link(program_manager, leader, crowd, run_the_beat_until):
    run_the_beat_until(timezone.now())
    survey_round = crowd.open_round(canary_survey("participants"), invite=6)
    survey = survey_round.survey
    poster = reverse("surveys:survey_poster", args=[survey.pk])
    round_poster = reverse("surveys:round_poster", args=[survey_round.pk])

    printed = looking_as(program_manager).get(poster)
    assert printed.status_code == 200, "the control: managers print the poster"
    code = short_code_of(survey)
    assert code in printed.content.decode(), "the control: the poster shows the short address"
    assert looking_as(leader).get(poster).status_code in (403, 404), "leadership can open the poster"
    assert looking_as(leader).get(round_poster).status_code in (403, 404), "leadership can open the round's poster"
    pages = fetch_all(looking_as(leader), dashboard=False)
    for marker in (shared_token(survey_round.pk), code):
        assert not canary_leaks(pages, marker=marker), "leadership can read the shared link"
