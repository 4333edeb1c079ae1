"""Survey figures for the dashboard: the rounds opened in the period, computed
in the database and passed through small-number suppression
(surveys/services/suppression.py) before anything leaves this module.

The partner-kind filter does not apply here: answers are anonymous, so they
cannot be traced to a kind of partner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Min

from surveys.choices import SCALE_KINDS, Audience, QuestionKind, RoundStatus
from surveys.models import Answer, Round, Survey
from surveys.services import results
from surveys.services.suppression import min_responses, shown

if TYPE_CHECKING:
    from .queries import Scope

# Reused from results.py so that the dashboard hides exactly what the results
# pages hide: a mean is hidden when a question behind it has a hidden cell.
unsafe_groups = results.unsafe_groups


def shown_count(count: int) -> int | None:
    """A count of people, or None (hidden) when it is 1 to k-1: zero describes nobody."""
    return count if count == 0 or count >= min_responses() else None


def _rounds(scope: Scope):
    opened_from, opened_before = scope.opened_between
    return Round.objects.filter(opened_at__gte=opened_from, opened_at__lt=opened_before).exclude(
        status=RoundStatus.MISSED
    )


def rounds_in_period(scope: Scope) -> list[dict]:
    """Each round opened in the period, oldest first, with its survey's
    audience, invitations, answers by private link and shared link, and the
    response rate (answers by private link / invitations). Counts of 1 to k-1
    answers, and the rate beside them, are hidden. One query (Round.with_counts)."""
    rows = []
    for survey_round in _rounds(scope).with_counts().select_related("survey").order_by("opened_at", "pk"):
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


def domain_scores_in_period(scope: Scope, rounds: list[dict]) -> list[dict]:
    """Mean agreement (1–5) per audience, wellbeing domain and round, for the
    rounds opened in the period (results.domain_scores, suppressed there).
    Two queries; none when no round opened in the period."""
    round_ids = {row["round"].pk for row in rounds}
    if not round_ids:
        return []
    opened_from, opened_before = scope.opened_between
    surveys = Survey.objects.filter(rounds__opened_at__gte=opened_from, rounds__opened_at__lt=opened_before)
    return [row for row in results.domain_scores(surveys) if row["round_id"] in round_ids]


def partner_likelihood_trend(scope: Scope) -> list[dict]:
    """Per round opened in the period: the mean of every 0–10 (likelihood)
    answer in partner-audience surveys, and how many people gave one. Hidden
    below k people, or when a question behind it has hidden cells. Two queries."""
    answers = Answer.objects.filter(
        question__kind=QuestionKind.LIKELIHOOD,
        question__survey__audience=Audience.PARTNERS,
        response__round__in=_rounds(scope),
    )
    unsafe = unsafe_groups(answers, ["response__round_id"])
    rows = (
        answers.values("response__round_id")
        .annotate(
            mean=Avg("number"),
            people=Count("response_id", distinct=True),
            opened_at=Min("response__round__opened_at"),
            survey=Min("response__round__survey__title"),
        )
        .order_by("opened_at", "response__round_id")
    )
    return [
        {
            "round_id": row["response__round_id"],
            "opened_at": row["opened_at"],
            "survey": row["survey"],
            "mean": None if (row["response__round_id"],) in unsafe else shown(row["mean"], row["people"]),
            "people": shown_count(row["people"]),
        }
        for row in rows
    ]


def mirrored_in_period(scope: Scope) -> list[dict]:
    """For each mirrored question (same mirror key in surveys for different
    audiences): the mean answer per audience over the rounds opened in the
    period, hidden as in results.mirrored. Two queries."""
    answers = Answer.objects.filter(question__kind__in=SCALE_KINDS, response__round__in=_rounds(scope)).exclude(
        question__mirror_key=""
    )
    fields = ["question__mirror_key", "question__survey__audience"]
    unsafe = unsafe_groups(answers, fields)
    rows = (
        answers.values(*fields)
        .annotate(
            mean=Avg("number"),
            people=Count("response_id", distinct=True),
            text=Min("question__text"),
            kind=Min("question__kind"),
        )
        .order_by(*fields)
    )
    table: dict[str, dict] = {}
    for row in rows:
        key = row["question__mirror_key"]
        entry = table.setdefault(key, {"key": key, "text": row["text"], "scale": 5, "means": {}})
        entry["text"] = min(entry["text"], row["text"])
        if row["kind"] == QuestionKind.LIKELIHOOD:
            entry["scale"] = 10
        group = tuple(row[f] for f in fields)
        mean = None if group in unsafe else shown(row["mean"], row["people"])
        entry["means"][row["question__survey__audience"]] = mean
    return [table[key] for key in sorted(table)]


def survey_totals(scope: Scope) -> dict:
    """Responses to the rounds opened in the period (hidden below k), and the
    "you said, we did" items written for those rounds. One query."""
    rounds = _rounds(scope)
    totals = Round.objects.filter(pk__in=rounds.values("pk")).aggregate(
        responses=Count("responses", distinct=True),
        loop_items=Count("you_said_we_did", distinct=True),
        rounds=Count("pk", distinct=True),
    )
    totals["responses"] = shown_count(totals["responses"])
    return totals
