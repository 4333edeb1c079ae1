"""Held rounds never enter the dashboard, at any date range: an insider
picks the dashboard's period so that it holds only held rounds, or cuts
through the middle of a run of rounds, so that the period's figures (the
partner trend, the wellbeing domains, the mirrored questions, the board
report) are drawn from the few people of the held rounds alone or with a
released round beside them.

Partners and staff surveys, each: released (6), held (3), held (2),
released (6), held (4), in turn, a month or so apart."""

import pytest

from .attacks import canary_survey, looking_as, rounds_in_turn
from .leaks import differencing_leaks, figure_leaks, listing, released_averages
from .surfaces import dashboard_ranges, fetch_all

pytestmark = pytest.mark.django_db

PLAN = [(6, True), (3, False), (2, False), (6, True), (4, False)]


@pytest.fixture
def held_between_released(crowd, run_the_beat_until):
    surveys = [canary_survey("partners"), canary_survey("staff")]
    return rounds_in_turn(crowd, run_the_beat_until, surveys, PLAN)


def test_held_rounds_enter_no_dashboard_figure_at_any_date_range(viewer, held_between_released):
    ranges = dashboard_ranges(cuts=True)
    pages = fetch_all(looking_as(viewer), ranges=ranges, results=False)

    assert released_averages(pages), "the control: the released rounds' averages show in some dashboard CSV"
    leaks = figure_leaks(pages) + differencing_leaks(pages)
    assert not leaks, f"{len(leaks)} leaks over {len(ranges)} date ranges:\n" + listing(leaks)
