"""Survey figures for the dashboard.

Answers: only released units (surveys/services/releases.py) whose first
round opened in the period, added up from their stored counts by the same
functions as the results pages. A period selects whole units, never part of
one, so two periods differ by whole units of at least k people
(docs/privacy.md).

Participation (invited, answered) per round opened in the period, shown as
it is: how many took part, never what anyone answered.

The partner-kind filter does not apply here: answers are anonymous, so they
cannot be traced to a kind of partner."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from core.subqueries import count_of
from surveys.choices import Audience, LoopStatus, ResponseChannel, RoundStatus
from surveys.models import Release, Response, Round, Survey, YouSaidWeDid
from surveys.models.releases import ReleaseState
from surveys.services import results
from surveys.services.tallies import Tally, load_tally

from .scope import Scope

# The answers "Survey responses" counts: paper ones are on the round's page.
COUNTED_CHANNELS = (ResponseChannel.INVITED, ResponseChannel.SHARED)


def _rounds(scope: Scope):
    opened_from, opened_before = scope.opened_between
    return Round.objects.filter(opened_at__gte=opened_from, opened_at__lt=opened_before).exclude(
        status=RoundStatus.MISSED
    )


def latest_released_rounds(scope: Scope) -> list[dict]:
    """The latest released round of each survey, opened by the period's
    end, with its participation (as rounds_in_period), oldest first. One
    query: who answered most recently, whatever the period's length."""
    released = Round.objects.filter(
        survey=OuterRef("pk"),
        release_parts__release__state=ReleaseState.RELEASED,
        opened_at__lt=scope.opened_between[1],
    ).order_by("-opened_at", "-pk")
    latest = Survey.objects.annotate(latest=Subquery(released.values("pk")[:1])).values("latest")
    return _participation(Round.objects.filter(pk__in=latest))


def rounds_in_period(scope: Scope) -> list[dict]:
    """Each round opened in the period, oldest first, with its survey's
    audience, invitations (by email and by printed card), answers by
    private link or card and by shared link, and the response rate (the
    first answers / the invitations). One query."""
    return _participation(_rounds(scope))


def _participation(rounds) -> list[dict]:
    rounds = rounds.with_participation().select_related("survey").order_by("opened_at", "pk")
    return [
        {
            "round": survey_round,
            "audience": survey_round.survey.audience,
            "invited": survey_round.asked,
            "answered": survey_round.invited_responses,
            "rate": survey_round.invited_responses / survey_round.asked if survey_round.asked else None,
            "shared": survey_round.shared_responses,
        }
        for survey_round in rounds
    ]


def tally_in_period(scope: Scope) -> Tally:
    """The stored counts of the released units that opened in the period,
    shared by the survey figures below. Three queries."""
    return load_tally(_released(scope))


def _released(scope: Scope):
    """The released units whose first round opened in the period."""
    opened_from, opened_before = scope.opened_between
    return Release.objects.released().filter(opened_at__gte=opened_from, opened_at__lt=opened_before)


def domain_scores_in_period(tally: Tally) -> list[dict]:
    """Mean agreement (1–5) per audience, wellbeing domain and released
    round (or pooled rounds). No query of its own."""
    return results.domain_scores(tally)


def partner_likelihood_trend(tally: Tally) -> list[dict]:
    """Per released round (or pooled rounds) of partner surveys: the mean of
    every 0–10 answer, and how many people gave one. No query of its own."""
    return results.likelihood_trend(tally, Audience.PARTNERS)


def mirrored_in_period(tally: Tally) -> list[dict]:
    """For each mirrored question (same mirror key in surveys for different
    audiences): the mean answer per audience. No query of its own."""
    return results.mirrored(tally)


def survey_totals(scope: Scope, rounds: list[dict] | None = None, tally: Tally | None = None) -> dict:
    """Answers to the rounds opened in the period (by private link or card,
    and by shared link; not paper), those in released units, and the "you
    said, we did" items written for those rounds. `rounds` (rounds_in_period)
    and `tally` (tally_in_period), when the caller has them, already hold
    the first two: then one query. Without them (the period before, which
    only needs these totals for its comparison) three, none counting
    invitations or reading the units' stored counts."""
    period_rounds = _rounds(scope)
    if rounds is None:
        # Each round's answers counted from the (round, channel) index, then
        # added up: joining every answer to its round took twice as long.
        answered = count_of(Response.objects.filter(channel__in=COUNTED_CHANNELS), "round")
        counts = period_rounds.annotate(answered=answered).aggregate(
            rounds=Count("pk"), responses=Coalesce(Sum("answered"), 0)
        )
    else:
        counts = {"rounds": len(rounds), "responses": sum(row["answered"] + row["shared"] for row in rounds)}
    if tally is None:
        released = _released(scope).aggregate(n=Sum("responses"))["n"] or 0
    else:
        released = sum(unit.responses for unit in tally.units.values())
    return {
        "responses": counts["responses"],
        "released": released,
        "loop_items": YouSaidWeDid.objects.filter(round__in=period_rounds, status=LoopStatus.DONE).count(),
        "rounds": counts["rounds"],
    }
