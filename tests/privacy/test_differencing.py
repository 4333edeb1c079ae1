"""Differencing across views: a curious insider (program manager, leadership
or administrator) reads every survey figure there is (the results page and
CSV for "All rounds" and each round, the mirrored-questions page, the
dashboard, its survey CSVs and the board report over many date ranges) to
learn what the people in a round below k said.

Two rounds of each survey closed below k (3 and 2 people, CANARY answers),
two closed with k or more (clean answers). A held round must enter no figure
anywhere: not "All rounds", not a trend, not a pooled date range."""

import pytest

from .attacks import canary_survey, looking_as, rounds_in_turn
from .leaks import canary_leaks, differencing_leaks, figure_leaks, listing, number, parse_csv
from .surfaces import fetch_all

pytestmark = pytest.mark.django_db

# (responses by private link, allowed to appear), one round of each survey per step.
PLAN = [(3, False), (2, False), (6, True), (6, True)]


@pytest.fixture
def held_and_released(crowd, run_the_beat_until):
    surveys = [canary_survey("participants"), canary_survey("partners")]
    return rounds_in_turn(crowd, run_the_beat_until, surveys, PLAN)


def test_rounds_below_k_enter_no_figure_in_any_view(viewer, held_and_released):
    pages = fetch_all(looking_as(viewer))

    leaks = figure_leaks(pages) + differencing_leaks(pages)
    assert not leaks, f"{len(leaks)} leaks in {len(pages)} surfaces:\n" + listing(leaks)


def test_released_rounds_still_show(viewer, held_and_released):
    """The control: the rounds that reached k are shown (their texts, and a
    top-of-scale average), so the test above cannot pass by showing nothing."""
    pages = fetch_all(looking_as(viewer), dashboard=False)

    shown = canary_leaks(pages, marker="released-ok")
    assert any(name.startswith("results ") for name in shown), "no released text answer is shown anywhere"
    averages = [
        name
        for name, text in pages.items()
        if name.startswith("results.csv")
        and any(number(row[6]) == 5.0 for row in (parse_csv(text) or ([], []))[1] if len(row) > 6)
    ]
    assert averages, "no released average (5 of 5) is shown in any results CSV"
