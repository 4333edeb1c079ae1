"""Counts of released units: made once when a unit is made (count_unit), and
read back for every figure (load_tally), in three queries.

Only counts are stored: answers per (unit, question, value) and distinct
respondents per (unit, group of questions). A question is counted only when
at least k of the unit's people answered it, and a group only over such
questions, so every figure built from these counts is about at least k
people, and so is the difference between any two of them. Response ids are
used in memory to count distinct people, and never stored."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from ..choices import SCALE_KINDS, QuestionKind
from ..models import Question, Release, ReleaseCount


@dataclass(frozen=True)
class QuestionInfo:
    kind: str
    domain: str
    mirror_key: str
    text: str


@dataclass(frozen=True)
class UnitInfo:
    survey_id: int
    survey_title: str
    survey_version: int
    audience: str
    opened_at: datetime.datetime  # of its first round
    last_opened_at: datetime.datetime  # of its last round (the same unless pooled)
    round_ids: frozenset[int]
    responses: int


@dataclass
class Tally:
    answers: dict[tuple[int, int, int | None], int] = field(default_factory=dict)  # (unit, question, number)
    people: dict[tuple[int, str], int] = field(default_factory=dict)  # (unit, group): distinct responses
    questions: dict[int, QuestionInfo] = field(default_factory=dict)
    units: dict[int, UnitInfo] = field(default_factory=dict)
    # Questions of other versions counted as the question they continue
    # (fold()): {asked as: counted as}.
    aliases: dict[int, int] = field(default_factory=dict)
    _by_unit_question: dict[tuple[int, int], dict[int, int]] | None = field(default=None, repr=False)

    def values(self, unit_id: int, question_id: int) -> dict[int, int]:
        """Answers per number of one question in one unit (empty when it was
        not counted there)."""
        if self._by_unit_question is None:
            self._by_unit_question = defaultdict(dict)
            for (unit, question, number), n in self.answers.items():
                if number is not None:
                    self._by_unit_question[(unit, question)][number] = n
        return self._by_unit_question.get((unit_id, question_id), {})

    def fold(self, aliases: dict[int, int]) -> None:
        """Counts every question in `aliases` as the question it maps to
        (services/versions.continuations). A unit is of one version, which
        asks each question once, so no count of a unit is added to another
        of the same unit: every figure stays a sum over whole units."""
        self.answers = {(u, aliases.get(q, q), n): count for (u, q, n), count in self.answers.items()}
        renamed = {question_group(old): question_group(new) for old, new in aliases.items()}
        self.people = {(u, renamed.get(group, group)): count for (u, group), count in self.people.items()}
        self.questions = {pk: info for pk, info in self.questions.items() if pk not in aliases}
        self.aliases |= aliases
        self._by_unit_question = None


def question_group(question_id: int) -> str:
    return f"question:{question_id}"


def domain_group(domain: str) -> str:
    return f"domain:{domain}"


def mirror_group(mirror_key: str) -> str:
    return f"mirror:{mirror_key}"


LIKELIHOOD_GROUP = "likelihood"


def groups_of(question_id: int, question: Question | QuestionInfo) -> list[str]:
    """The groups whose respondents figures count: the question itself, its
    wellbeing domain (agreement questions), its mirror key (scale
    questions), and all 0–10 questions."""
    groups = [question_group(question_id)]
    if question.kind == QuestionKind.AGREEMENT and question.domain:
        groups.append(domain_group(question.domain))
    if question.kind in SCALE_KINDS and question.mirror_key:
        groups.append(mirror_group(question.mirror_key))
    if question.kind == QuestionKind.LIKELIHOOD:
        groups.append(LIKELIHOOD_GROUP)
    return groups


def count_unit(release: Release, answers: QuerySet, questions: Iterable[Question], k: int) -> list[ReleaseCount]:
    """The unsaved counts of a unit whose answers are `answers`. Questions
    fewer than k people answered are left out entirely, from their own
    counts and from every group."""
    per_question: dict[int, set[int]] = defaultdict(set)
    values: dict[tuple[int, int | None], int] = defaultdict(int)
    for response_id, question_id, number in answers.values_list("response_id", "question_id", "number").iterator():
        per_question[question_id].add(response_id)
        values[(question_id, number)] += 1
    counted = {q.pk: q for q in questions if len(per_question[q.pk]) >= k}
    members: dict[str, set[int]] = defaultdict(set)
    for question_id, question in counted.items():
        for group in groups_of(question_id, question):
            members[group] |= per_question[question_id]
    rows = [
        ReleaseCount(release=release, question_id=question_id, number=number, count=n)
        for (question_id, number), n in values.items()
        if question_id in counted
    ]
    return rows + [ReleaseCount(release=release, group=group, count=len(ids)) for group, ids in members.items()]


def load_tally(units: QuerySet) -> Tally:
    """The stored counts of `units` (a Release queryset), with what the
    figures need to know of each unit and question. Three queries."""
    tally = Tally()
    rounds: dict[int, dict[int, datetime.datetime]] = defaultdict(dict)
    described: dict[int, tuple] = {}
    rows = units.values_list(
        "pk",
        "survey_id",
        "survey__title",
        "survey__version",
        "survey__audience",
        "opened_at",
        "responses",
        "parts__round_id",
        "parts__round__opened_at",
    )
    for pk, survey_id, title, version, audience, opened_at, responses, round_id, round_opened_at in rows.order_by():
        rounds[pk][round_id] = round_opened_at
        described[pk] = (survey_id, title, version, audience, opened_at, responses)
    for pk, (survey_id, title, version, audience, opened_at, responses) in described.items():
        last = max(rounds[pk].values())
        tally.units[pk] = UnitInfo(
            survey_id, title, version, audience, opened_at, last, frozenset(rounds[pk]), responses
        )
    questions = Question.objects.filter(survey__releases__in=units.values("pk")).distinct()
    for pk, *info in questions.values_list("pk", "kind", "domain", "mirror_key", "text").order_by():
        tally.questions[pk] = QuestionInfo(*info)
    stored = ReleaseCount.objects.filter(release__in=units.values("pk")).values_list(
        "release_id", "question_id", "number", "group", "count"
    )
    for unit_id, question_id, number, group, count in stored:
        if group:
            tally.people[(unit_id, group)] = count
        else:
            tally.answers[(unit_id, question_id, number)] = count
    return tally
