"""The two decisions a program manager makes about answers, tried as an
insider would use them.

Pooling: two held rounds (3 and 2 people) are pooled into one unit of 5.
From then on they are shown only together: no view shows one of them alone,
at any date range, and every view changed by the whole unit or not at all.

Review: a free-text answer withheld while its unit is in review is never
shown to leadership, on any page or export, while the rest of the unit is."""

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, Release

from .attacks import canary_survey, looking_as, rounds_in_turn
from .leaks import canary_leaks, content_changes, differencing_leaks, listing
from .surfaces import dashboard_ranges, fetch_all

pytestmark = pytest.mark.django_db

DAYS = timezone.timedelta(days=1)


def _pool(manager, survey, rounds) -> None:
    url = reverse("surveys:pool_rounds", args=[survey.pk])
    posted = looking_as(manager).post(url, {"rounds": [r.pk for r in rounds]})
    assert posted.status_code == 302, posted.content[:600]


def test_pooled_rounds_are_only_ever_shown_together(viewer, program_manager, crowd, run_the_beat_until):
    survey = canary_survey("partners")
    # 3 and 2 people answer in two rounds (clean answers, tagged by round), then a released round of 6.
    (first,), (second,), _ = rounds_in_turn(crowd, run_the_beat_until, [survey], [(3, True), (2, True), (6, True)])
    ranges = dashboard_ranges(cuts=True)
    before = fetch_all(looking_as(viewer), ranges=ranges)

    _pool(program_manager, survey, [first, second])
    run_the_beat_until(timezone.now() + 4 * DAYS)  # past the review of its free text
    after = fetch_all(looking_as(viewer), ranges=ranges)

    (pooled,) = Release.objects.filter(pooled_by=program_manager)
    assert (pooled.responses, pooled.state) == (5, "released")
    assert content_changes(before, after), "the control: pooling released something"
    leaks = differencing_leaks(before, after)
    assert not leaks, f"{len(leaks)} figures changed by fewer than k people:\n" + listing(leaks)
    for choice in (first.pk, second.pk):
        page = looking_as(viewer).get(reverse("surveys:survey_results", args=[survey.pk]), {"round": choice})
        assert page.context["chosen"].units == (pooled.pk,), "a pooled round is shown as its whole unit"


def test_a_pool_below_k_is_refused_and_shows_nothing(program_manager, leader, crowd, run_the_beat_until):
    survey = canary_survey("participants")
    (first,), (second,) = rounds_in_turn(crowd, run_the_beat_until, [survey], [(2, False), (2, False)])
    page = looking_as(program_manager).post(
        reverse("surveys:pool_rounds", args=[survey.pk]), {"rounds": [first.pk, second.pk]}
    )
    assert page.status_code == 400
    assert "not enough" in page.content.decode()
    assert not Release.objects.exists()
    assert not canary_leaks(fetch_all(looking_as(leader))), "a refused pool showed something"


def test_a_withheld_answer_never_reaches_leadership(program_manager, leader, crowd, run_the_beat_until):
    survey = canary_survey("participants")
    run_the_beat_until(timezone.now())
    survey_round = crowd.open_round(survey, invite=8)
    run_the_beat_until(timezone.now() + DAYS)
    for _person in range(5):
        crowd.answer_invited(survey_round, tag="kept")
    names_someone = crowd.answer_invited(survey_round, tag="kept")
    Answer.objects.filter(text=names_someone).update(text=f"CANARY-names-Rosa {names_someone}")
    run_the_beat_until(survey_round.closes_at + DAYS)  # closed, weighed, in review

    (unit,) = Release.objects.all()
    assert unit.state == "review"
    assert not canary_leaks(fetch_all(looking_as(leader)), marker="released-ok-kept"), "in review, yet shown"
    review = reverse("surveys:unit_review", args=[unit.pk])
    assert looking_as(leader).get(review).status_code == 403
    withheld = Answer.objects.get(text__startswith="CANARY-names-Rosa")
    assert looking_as(program_manager).post(review, {"withheld": [withheld.pk]}).status_code == 302

    run_the_beat_until(timezone.now() + 4 * DAYS)
    pages = fetch_all(looking_as(leader))
    assert canary_leaks(pages, marker="released-ok-kept"), "the control: the other answers are released"
    leaks = canary_leaks(pages)
    assert not leaks, "the withheld answer is shown:\n" + listing(leaks)
