"""Counts of answers per round, from stored summaries for closed rounds and
from the answers themselves for the rest, in two queries.

Results, the dashboard and the mirrored-questions page used to aggregate
every answer of every round on each request (~150,000 rows, several times a
page). A closed round's counts never change, so they are stored once
(`summarise_round`) and only rounds without a summary are counted live, by
the same function, so the two paths cannot disagree.

Only counts leave this module: answers per (round, question, value) and
distinct respondents per (round, group of questions). Response ids are used
in memory to count distinct people and never stored."""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..choices import SCALE_KINDS, QuestionKind, RoundStatus
from ..models import Answer, Question, Round, RoundCount, RoundSummary

log = logging.getLogger(__name__)

# A submission that passed the "is the round open" check just before the
# round closed may still be committing; summaries wait this long after closing.
SETTLE = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class QuestionInfo:
    kind: str
    domain: str
    mirror_key: str
    text: str


@dataclass(frozen=True)
class RoundInfo:
    opened_at: datetime.datetime
    survey_title: str
    audience: str


@dataclass
class Tally:
    answers: dict[tuple[int, int, int | None], int] = field(default_factory=dict)  # (round, question, number)
    people: dict[tuple[int, str], int] = field(default_factory=dict)  # (round, group): distinct responses
    questions: dict[int, QuestionInfo] = field(default_factory=dict)
    rounds: dict[int, RoundInfo] = field(default_factory=dict)


def question_group(question_id: int) -> str:
    return f"question:{question_id}"


def domain_group(domain: str) -> str:
    return f"domain:{domain}"


def mirror_group(mirror_key: str, kind: str = "") -> str:
    return f"mirror:{mirror_key}:{kind}" if kind else f"mirror:{mirror_key}"


LIKELIHOOD_GROUP = "likelihood"


def groups_of(question_id: int, info: QuestionInfo) -> list[str]:
    """The groups whose respondents the results pages count: the question
    itself, its wellbeing domain (agreement questions), its mirror key (scale
    questions; with and without the kind), and all 0–10 questions."""
    groups = [question_group(question_id)]
    if info.kind == QuestionKind.AGREEMENT and info.domain:
        groups.append(domain_group(info.domain))
    if info.kind in SCALE_KINDS and info.mirror_key:
        groups += [mirror_group(info.mirror_key), mirror_group(info.mirror_key, info.kind)]
    if info.kind == QuestionKind.LIKELIHOOD:
        groups.append(LIKELIHOOD_GROUP)
    return groups


def _count_answers(rows, tally: Tally) -> None:
    """Adds live answer rows (round, response, question, number) to `tally`,
    counting distinct responses per group. The questions must be in the tally."""
    groups = {question_id: groups_of(question_id, info) for question_id, info in tally.questions.items()}
    members: dict[tuple[int, str], set[int]] = defaultdict(set)
    answers = tally.answers
    for round_id, response_id, question_id, number in rows:
        key = (round_id, question_id, number)
        answers[key] = answers.get(key, 0) + 1
        for group in groups[question_id]:
            members[(round_id, group)].add(response_id)
    for key, responses in members.items():
        tally.people[key] = len(responses)


def _live_rows(rounds: QuerySet):
    return Answer.objects.filter(response__round__in=rounds).values_list(
        "response__round_id", "response_id", "question_id", "number"
    )


def _describe(tally: Tally, rounds: QuerySet) -> None:
    """The rounds and the questions of their surveys. Two queries."""
    for pk, opened_at, title, audience in Round.objects.filter(pk__in=rounds.values("pk")).values_list(
        "pk", "opened_at", "survey__title", "survey__audience"
    ):
        tally.rounds[pk] = RoundInfo(opened_at, title, audience)
    questions = Question.objects.filter(survey__rounds__in=rounds.values("pk")).distinct()
    for pk, *info in questions.values_list("pk", "kind", "domain", "mirror_key", "text").order_by():
        tally.questions[pk] = QuestionInfo(*info)


def load_tally(rounds: QuerySet) -> Tally:
    """Counts of the answers to `rounds` (a Round queryset). Four queries:
    the rounds and their questions, the stored counts of summarised rounds,
    and the answers of the others."""
    tally = Tally()
    _describe(tally, rounds)
    stored = RoundCount.objects.filter(round__in=rounds).values_list(
        "round_id", "question_id", "number", "group", "count"
    )
    for round_id, question_id, number, group, count in stored:
        if group:
            tally.people[(round_id, group)] = count
        else:
            tally.answers[(round_id, question_id, number)] = count
    _count_answers(_live_rows(rounds.filter(summary__isnull=True)), tally)
    return tally


def summarise_round(survey_round: Round) -> RoundSummary:
    """Stores the counts of a closed round. Safe to run twice: a round that
    already has a summary keeps it."""
    if survey_round.status != RoundStatus.CLOSED:
        raise ValueError(f"Round {survey_round.pk} is not closed; its answers can still change")
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=survey_round.pk)
        existing = RoundSummary.objects.filter(round=locked).first()
        if existing:
            return existing
        this_round = Round.objects.filter(pk=locked.pk)
        tally = Tally()
        _describe(tally, this_round)
        _count_answers(_live_rows(this_round), tally)
        rows = [
            RoundCount(round=locked, question_id=question_id, number=number, count=n)
            for (_, question_id, number), n in tally.answers.items()
        ]
        rows += [RoundCount(round=locked, group=group, count=n) for (_, group), n in tally.people.items()]
        RoundCount.objects.bulk_create(rows, batch_size=1000)
        return RoundSummary.objects.create(round=locked)


def summarise_closed_rounds(now: datetime.datetime | None = None) -> int:
    """Summarises every round closed for a while (SETTLE) that has no summary
    yet. Returns how many were summarised."""
    now = now or timezone.now()
    due = Round.objects.filter(status=RoundStatus.CLOSED, summary__isnull=True, closed_at__lte=now - SETTLE)
    done = 0
    for survey_round in due.order_by("pk"):
        summarise_round(survey_round)
        done += 1
    if done:
        log.info("Stored the counts of %s closed rounds", done)
    return done
