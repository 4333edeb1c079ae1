"""Survey figures for the dashboard: the rounds opened in the period, added up
from their answer counts (surveys/services/tallies.py) and passed through the
same small-number suppression as the results pages (results.GroupCells, which
hides a mean when a question behind it has a hidden cell) before anything
leaves this module.

The partner-kind filter does not apply here: answers are anonymous, so they
cannot be traced to a kind of partner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from surveys.choices import SCALE_KINDS, Audience, QuestionKind, ResponseChannel, RoundStatus
from surveys.models import Invitation, Response, Round, YouSaidWeDid
from surveys.services import results
from surveys.services.suppression import min_responses
from surveys.services.tallies import LIKELIHOOD_GROUP, Tally, load_tally, mirror_group

if TYPE_CHECKING:
    from .queries import Scope


def shown_count(count: int) -> int | None:
    """A count of people, or None (hidden) when it is 1 to k-1: zero describes nobody."""
    return count if count == 0 or count >= min_responses() else None


def _rounds(scope: Scope):
    opened_from, opened_before = scope.opened_between
    return Round.objects.filter(opened_at__gte=opened_from, opened_at__lt=opened_before).exclude(
        status=RoundStatus.MISSED
    )


def _count(model, **filters):
    """A count of `model` rows of each round, as a correlated subquery served
    by the round's indexes (see RoundQuerySet.with_counts for why not a JOIN)."""
    rows = model.objects.filter(round=OuterRef("pk"), **filters).order_by().values("round")
    return Coalesce(Subquery(rows.annotate(n=Count("*")).values("n")[:1]), 0)


def rounds_in_period(scope: Scope) -> list[dict]:
    """Each round opened in the period, oldest first, with its survey's
    audience, invitations, answers by private link and shared link, and the
    response rate (answers by private link / invitations). Counts of 1 to k-1
    answers, and the rate beside them, are hidden. One query, with only the
    four counts the dashboard shows (with_counts' seven took 2.5 times as
    long on the large dataset)."""
    rounds = _rounds(scope).annotate(
        invited=_count(Invitation),
        responded=_count(Invitation, responded=True),
        shared_responses=_count(Response, channel=ResponseChannel.SHARED),
        responses_count=_count(Response),
    )
    rows = []
    for survey_round in rounds.select_related("survey").order_by("opened_at", "pk"):
        responded = shown_count(survey_round.responded)
        invited = survey_round.invited
        rows.append(
            {
                "round": survey_round,
                "audience": survey_round.survey.audience,
                "invited": invited,
                "responded": responded,
                "rate": responded / invited if responded is not None and invited else None,
                "shared": shown_count(survey_round.shared_responses),
            }
        )
    return rows


def tally_in_period(scope: Scope) -> Tally:
    """The answer counts of the rounds opened in the period, shared by the
    survey figures below (stored for closed rounds, live for the others).
    Two queries."""
    return load_tally(_rounds(scope))


def domain_scores_in_period(rounds: list[dict], tally: Tally) -> list[dict]:
    """Mean agreement (1–5) per audience, wellbeing domain and round, for the
    rounds opened in the period (results.domain_scores, suppressed there).
    No query of its own."""
    round_ids = {row["round"].pk for row in rounds}
    return [row for row in results.domain_scores(tally=tally) if row["round_id"] in round_ids]


def partner_likelihood_trend(tally: Tally) -> list[dict]:
    """Per round opened in the period: the mean of every 0–10 (likelihood)
    answer in partner-audience surveys, and how many people gave one. Hidden
    below k people, or when a question behind it has hidden cells. No query
    of its own."""

    def key(round_id, question_id):
        partners = tally.rounds[round_id].audience == Audience.PARTNERS
        return (round_id,) if partners and tally.questions[question_id].kind == QuestionKind.LIKELIHOOD else None

    rows = []
    for (round_id,), cells in results.group_cells(tally, key).items():
        people = results.people_in(tally, [round_id], LIKELIHOOD_GROUP)
        info = tally.rounds[round_id]
        rows.append(
            {
                "round_id": round_id,
                "opened_at": info.opened_at,
                "survey": info.survey_title,
                "mean": cells.safe_mean(people),
                "people": shown_count(people),
            }
        )
    return sorted(rows, key=lambda row: (row["opened_at"], row["round_id"]))


def mirrored_in_period(tally: Tally) -> list[dict]:
    """For each mirrored question (same mirror key in surveys for different
    audiences): the mean answer per audience over the rounds opened in the
    period, hidden as in results.mirrored. No query of its own."""

    def key(round_id, question_id):
        info = tally.questions[question_id]
        if info.kind not in SCALE_KINDS or not info.mirror_key:
            return None
        return (info.mirror_key, tally.rounds[round_id].audience)

    table: dict[str, dict] = {}
    for (mirror_key, audience), cells in sorted(results.group_cells(tally, key).items()):
        questions = [tally.questions[q] for q in cells.per_question]
        text = min(q.text for q in questions)
        entry = table.setdefault(mirror_key, {"key": mirror_key, "text": text, "scale": 5, "means": {}})
        entry["text"] = min(entry["text"], text)
        if min(q.kind for q in questions) == QuestionKind.LIKELIHOOD:
            entry["scale"] = 10
        entry["means"][audience] = cells.safe_mean(results.people_in(tally, cells.rounds, mirror_group(mirror_key)))
    return [table[key] for key in sorted(table)]


def survey_totals(scope: Scope, rounds: list[dict]) -> dict:
    """Responses to the rounds opened in the period (hidden below k), added
    up from rounds_in_period, and the "you said, we did" items written for
    those rounds. One query."""
    responses = sum(row["round"].responses_count for row in rounds)
    return {
        "responses": shown_count(responses),
        "loop_items": YouSaidWeDid.objects.filter(round__in=_rounds(scope)).count(),
        "rounds": len(rounds),
    }
