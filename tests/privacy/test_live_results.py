"""Before and after one response: an insider who knows (or guesses) who just
answered looks at every figure, waits for that one answer and looks again.
Whatever changed is that one person's answer.

Results are released, never live: while a round is open no surface shows
what was answered (participation counts aside, and never a text answer),
so one more answer changes nothing an insider can read. Once the round is
closed and released, the figures may change, but only by the whole round:
by k people or more at once."""

import datetime

import pytest
from django.utils import timezone

from .attacks import START, canary_survey, looking_as, released_by, rounds_in_turn
from .leaks import canary_leaks, content_changes, differencing_leaks, listing
from .surfaces import fetch_all

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def open_round_with_six(crowd, run_the_beat_until):
    """A partners survey: one round released earlier (6 people), and one
    open now with 6 answers so far, each writing "released-ok-open-<n>"."""
    survey = canary_survey("partners")
    rounds_in_turn(crowd, run_the_beat_until, [survey], [(6, True)])
    run_the_beat_until(START + 60 * DAY)
    survey_round = crowd.open_round(survey, invite=10)
    run_the_beat_until(timezone.now() + DAY)
    for _person in range(6):
        crowd.answer_invited(survey_round, tag="open")
    run_the_beat_until(timezone.now() + DAY)
    return survey_round


def test_one_more_answer_to_an_open_round_changes_no_figure(viewer, crowd, run_the_beat_until, open_round_with_six):
    survey_round = open_round_with_six
    before = fetch_all(looking_as(viewer))
    live = canary_leaks(before, marker="released-ok-open")

    crowd.answer_invited(survey_round, canary="seventh")
    run_the_beat_until(timezone.now() + DAY)
    after = fetch_all(looking_as(viewer))

    problems = [f"open round's answers shown while open: {leak}" for leak in live]
    problems += [f"the seventh answer shows: {leak}" for leak in canary_leaks(after)]
    problems += [f"changed by one answer: {change}" for change in content_changes(before, after)]
    assert not problems, f"{len(problems)} problems:\n" + listing(problems)


def test_a_released_round_changes_the_figures_by_k_people_or_more(
    viewer, crowd, run_the_beat_until, open_round_with_six
):
    survey_round = open_round_with_six
    with_six = fetch_all(looking_as(viewer))
    crowd.answer_invited(survey_round, tag="open")
    with_seven = fetch_all(looking_as(viewer))

    run_the_beat_until(released_by(survey_round))
    released = fetch_all(looking_as(viewer))

    assert canary_leaks(released, marker="released-ok-open"), "the round of 7 private-link answers was never released"
    leaks = differencing_leaks(with_six, with_seven, released)
    assert not leaks, f"{len(leaks)} figures changed by fewer than k people:\n" + listing(leaks)
