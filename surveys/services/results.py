"""Survey results, added up from the rounds' answer counts (services/tallies.py:
stored for closed rounds, counted live for the others) in a fixed number of
queries, and passed through small-number suppression before anything is shown."""

import html
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.safestring import mark_safe

from ..choices import SCALE_KINDS, TEXT_KINDS, QuestionKind
from ..forms.answers import AGREEMENT, YES_NO, likelihood_choices
from ..models import Answer, Question, Round, Survey
from .suppression import hidden_cells, min_responses, shown
from .tallies import Tally, domain_group, load_tally, mirror_group, question_group

# As django.utils.text.normalize_newlines, then the linebreaksbr filter.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Cell:
    label: str
    count: int | None  # None: hidden
    share: float | None = None


@dataclass
class QuestionResult:
    question: Question
    respondents: int
    cells: list[Cell] = field(default_factory=list)
    mean: float | None = None
    nps: int | None = None
    texts: list[str] = field(default_factory=list)
    hidden: bool = False  # the whole question: fewer than k people answered
    partly_hidden: bool = False  # some cells hidden to protect small groups

    @property
    def text_items(self) -> str:
        """The free-text answers as escaped `<li>` items, in one pass: a
        template loop over thousands of answers was most of the results
        page's time on the large dataset."""
        items = "".join(f"<li>{_LINE_BREAK.sub('<br>', html.escape(text))}</li>" for text in self.texts)
        return mark_safe(items)  # noqa: S308 - every answer is escaped above, as the linebreaksbr filter does


def _labels(question: Question) -> list[tuple[int, str]]:
    if question.kind == QuestionKind.AGREEMENT:
        return AGREEMENT
    if question.kind == QuestionKind.LIKELIHOOD:
        return likelihood_choices()
    if question.kind == QuestionKind.YES_NO:
        return YES_NO
    return [*enumerate(question.choice_labels("en")), (Answer.PREFER_NOT_TO_SAY, "Prefer not to say")]


def nps(counts: dict[int, int]) -> int | None:
    """Promoters (9–10) minus detractors (0–6), as a share of all, in points."""
    total = sum(counts.values())
    if not total:
        return None
    promoters = sum(n for score, n in counts.items() if score >= 9)
    detractors = sum(n for score, n in counts.items() if score <= 6)
    return round(100 * (promoters - detractors) / total)


def survey_tally(survey: Survey) -> Tally:
    """The counts of every round of `survey`, for the results page to share
    between its figures. Two queries."""
    return load_tally(survey.rounds.all())


def _round_filter(rounds: list[Round] | None):
    return None if rounds is None else {r.pk for r in rounds}


def question_results(
    survey: Survey, rounds: list[Round] | None = None, tally: Tally | None = None
) -> list[QuestionResult]:
    """Per question: distribution, mean, NPS-style score and free text. Four
    queries; two when the survey's tally is given."""
    questions = list(survey.questions.all())
    if tally is None:
        tally = load_tally(
            survey.rounds.all() if rounds is None else Round.objects.filter(pk__in=[r.pk for r in rounds])
        )
    chosen = _round_filter(rounds)
    counts: dict[int, dict[int, int]] = {}
    for (round_id, question_id, number), n in tally.answers.items():
        if number is not None and (chosen is None or round_id in chosen):
            per_value = counts.setdefault(question_id, {})
            per_value[number] = per_value.get(number, 0) + n
    respondents: dict[str, int] = {}
    for (round_id, group), n in tally.people.items():
        if chosen is None or round_id in chosen:
            respondents[group] = respondents.get(group, 0) + n
    texts: dict[int, list[str]] = {}
    answers = Answer.objects.filter(question__survey=survey, question__kind__in=TEXT_KINDS)
    if rounds is not None:
        answers = answers.filter(response__round__in=rounds)
    for question_id, text in answers.values_list("question_id", "text"):
        texts.setdefault(question_id, []).append(text)
    return [
        _one_result(q, respondents.get(question_group(q.pk), 0), counts.get(q.pk, {}), texts.get(q.pk, []))
        for q in questions
    ]


def _one_result(question: Question, people: int, counts: dict[int, int], texts: list[str]) -> QuestionResult:
    result = QuestionResult(question=question, respondents=people)
    if people < min_responses():
        result.hidden = True
        return result
    if question.kind in TEXT_KINDS:
        # Sorted, so the order says nothing about who answered when.
        result.texts = sorted(texts, key=str.casefold)
        return result
    labels = _labels(question)
    values = [counts.get(value, 0) for value, _ in labels]
    hide = hidden_cells(values)
    result.partly_hidden = any(hide)
    result.cells = [
        Cell(str(label), None if h else n, None if h else n / people)
        for (_, label), n, h in zip(labels, values, hide, strict=True)
    ]
    if not result.partly_hidden and question.kind in SCALE_KINDS:
        # A mean next to hidden cells would let them be solved for, so it is
        # shown only when every cell is.
        total = sum(values)
        result.mean = sum(v * n for (v, _), n in zip(labels, values, strict=True)) / total if total else None
        if question.kind == QuestionKind.LIKELIHOOD:
            result.nps = nps(counts)
    return result


@dataclass
class GroupCells:
    """The answers behind one figure: counts per question and value, and the
    rounds they come from."""

    per_question: dict[int, dict[int | None, int]] = field(default_factory=dict)
    rounds: set[int] = field(default_factory=set)

    def add(self, round_id: int, question_id: int, number: int | None, n: int) -> None:
        per_value = self.per_question.setdefault(question_id, {})
        per_value[number] = per_value.get(number, 0) + n
        self.rounds.add(round_id)

    def mean(self) -> float | None:
        numbers = [(v, n) for values in self.per_question.values() for v, n in values.items() if v is not None]
        total = sum(n for _, n in numbers)
        return sum(v * n for v, n in numbers) / total if total else None

    def unsafe(self) -> bool:
        """Whether the mean must stay hidden: a question behind it was
        answered fewer than k times, or its distribution has a hidden cell.
        A mean beside hidden cells, with the number of people, lets them be
        solved for (1 and 5 answers of 10 people averaging 4.6 can only be
        one 1 and nine 5s)."""
        k = min_responses()
        return any(
            sum(values.values()) < k or any(hidden_cells(list(values.values()), k))
            for values in self.per_question.values()
        )

    def safe_mean(self, people: int) -> float | None:
        return None if self.unsafe() else shown(self.mean(), people)


def group_cells(tally: Tally, key) -> dict[tuple, GroupCells]:
    """The tally's answer counts grouped by `key(round_id, question_id)`
    (None: left out)."""
    groups: dict[tuple, GroupCells] = {}
    for (round_id, question_id, number), n in tally.answers.items():
        group = key(round_id, question_id)
        if group is not None:
            groups.setdefault(group, GroupCells()).add(round_id, question_id, number, n)
    return groups


def people_in(tally: Tally, rounds, group: str) -> int:
    """Distinct respondents to `group` over `rounds`: a response belongs to
    one round, so the rounds' counts add up."""
    return sum(tally.people.get((round_id, group), 0) for round_id in rounds)


def trend_by_round(survey: Survey, tally: Tally | None = None) -> list[dict]:
    """Mean of each scale question in each round, hidden below k people or
    when the round's distribution has hidden cells. Two queries; none when
    the survey's tally is given."""
    tally = tally or survey_tally(survey)

    def key(round_id, question_id):
        return (round_id, question_id) if tally.questions[question_id].kind in SCALE_KINDS else None

    return [
        {
            "round_id": round_id,
            "question_id": question_id,
            "mean": cells.safe_mean(people_in(tally, [round_id], question_group(question_id))),
        }
        for (round_id, question_id), cells in group_cells(tally, key).items()
    ]


def domain_scores(surveys=None, tally: Tally | None = None) -> list[dict]:
    """Mean agreement (1–5) per audience, wellbeing domain and round, hidden
    below k people or when a question behind it has hidden cells. Two
    queries; none when a tally is given."""
    if tally is None:
        tally = load_tally(Round.objects.all() if surveys is None else Round.objects.filter(survey__in=surveys))

    def key(round_id, question_id):
        info = tally.questions[question_id]
        if info.kind != QuestionKind.AGREEMENT or not info.domain:
            return None
        return (tally.rounds[round_id].audience, info.domain, round_id)

    rows = []
    for (audience, domain, round_id), cells in sorted(group_cells(tally, key).items()):
        people = people_in(tally, [round_id], domain_group(domain))
        rows.append(
            {
                "audience": audience,
                "domain": domain,
                "round_id": round_id,
                "mean": cells.safe_mean(people),
                "people": shown(people, people),
            }
        )
    return rows


def mirrored(mirror_keys=None, tally: Tally | None = None) -> dict[str, dict[str, dict]]:
    """For each mirror key, the mean answer per audience over all rounds,
    hidden below k people or when a question behind it has hidden cells.
    Two queries; none when a tally is given."""
    tally = tally or load_tally(Round.objects.all())

    def key(round_id, question_id):
        info = tally.questions[question_id]
        if info.kind not in SCALE_KINDS or not info.mirror_key:
            return None
        if mirror_keys is not None and info.mirror_key not in mirror_keys:
            return None
        return (info.mirror_key, tally.rounds[round_id].audience)

    table: dict[str, dict[str, dict]] = {}
    for (mirror_key, audience), cells in group_cells(tally, key).items():
        unsafe = cells.unsafe()
        kinds = sorted({tally.questions[q].kind for q in cells.per_question})
        for kind in kinds:
            # One mean per kind, as the grouped query gave; a key is asked on one scale.
            of_kind = GroupCells({q: v for q, v in cells.per_question.items() if tally.questions[q].kind == kind})
            people = people_in(tally, cells.rounds, mirror_group(mirror_key, kind))
            table.setdefault(mirror_key, {})[audience] = {
                "mean": None if unsafe else shown(of_kind.mean(), people),
                "scale": "0–10" if kind == QuestionKind.LIKELIHOOD else "1–5",
            }
    return table


def round_response_counts(survey: Survey) -> list[Round]:
    """The survey's rounds with invitation and response counts. One query."""
    return list(survey.rounds.with_counts().filter(~Q(status="missed")).order_by("opened_at"))
