"""Survey results, computed in the database in a fixed number of queries and
passed through small-number suppression before anything is shown."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q

from ..choices import SCALE_KINDS, TEXT_KINDS, QuestionKind
from ..forms.answers import AGREEMENT, YES_NO, likelihood_choices
from ..models import Answer, Question, Round, Survey
from .suppression import hidden_cells, min_responses, shown


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


def question_results(survey: Survey, rounds: list[Round] | None = None) -> list[QuestionResult]:
    """Per question: distribution, mean, NPS-style score and free text. Four queries."""
    questions = list(survey.questions.all())
    answers = Answer.objects.filter(question__survey=survey)
    if rounds is not None:
        answers = answers.filter(response__round__in=rounds)
    counts: dict[int, dict[int, int]] = {}
    for row in answers.exclude(number=None).values("question_id", "number").annotate(n=Count("id")).order_by():
        counts.setdefault(row["question_id"], {})[row["number"]] = row["n"]
    respondents = dict(
        answers.values("question_id").annotate(n=Count("response_id", distinct=True)).values_list("question_id", "n")
    )
    texts: dict[int, list[str]] = {}
    for question_id, text in answers.filter(question__kind__in=TEXT_KINDS).values_list("question_id", "text"):
        texts.setdefault(question_id, []).append(text)
    return [_one_result(q, respondents.get(q.pk, 0), counts.get(q.pk, {}), texts.get(q.pk, [])) for q in questions]


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


def unsafe_groups(answers, group_fields: list[str]) -> set[tuple]:
    """Groups (for example a round and a question) whose mean must stay
    hidden: a question in the group was answered by fewer than k people, or
    its distribution has a hidden cell. A mean beside hidden cells, with the
    number of people, lets them be solved for (1 and 5 answers of 10 people
    averaging 4.6 can only be one 1 and nine 5s). One query."""
    rows = answers.values(*group_fields, "question_id", "number").annotate(n=Count("id")).order_by()
    per_question: dict[tuple, list[int]] = {}
    for r in rows:
        group = tuple(r[f] for f in group_fields)
        per_question.setdefault((group, r["question_id"]), []).append(r["n"])
    k = min_responses()
    return {group for (group, _), counts in per_question.items() if sum(counts) < k or any(hidden_cells(counts, k))}


def _safe_mean(mean, people: int, group: tuple, unsafe: set[tuple]):
    return None if group in unsafe else shown(mean, people)


def trend_by_round(survey: Survey) -> list[dict]:
    """Mean of each scale question in each round, hidden below k people or
    when the round's distribution has hidden cells. Two queries."""
    answers = Answer.objects.filter(question__survey=survey, question__kind__in=SCALE_KINDS)
    fields = ["response__round_id", "question_id"]
    unsafe = unsafe_groups(answers, fields)
    rows = answers.values(*fields).annotate(mean=Avg("number"), people=Count("response_id", distinct=True)).order_by()
    return [
        {
            "round_id": r["response__round_id"],
            "question_id": r["question_id"],
            "mean": _safe_mean(r["mean"], r["people"], (r["response__round_id"], r["question_id"]), unsafe),
        }
        for r in rows
    ]


def domain_scores(surveys=None) -> list[dict]:
    """Mean agreement (1–5) per audience, wellbeing domain and round, hidden
    below k people or when a question behind it has hidden cells. Two queries."""
    answers = Answer.objects.filter(question__kind=QuestionKind.AGREEMENT).exclude(question__domain="")
    if surveys is not None:
        answers = answers.filter(question__survey__in=surveys)
    fields = ["question__survey__audience", "question__domain", "response__round_id"]
    unsafe = unsafe_groups(answers, fields)
    rows = (
        answers.values(*fields)
        .annotate(mean=Avg("number"), people=Count("response_id", distinct=True))
        .order_by(*fields)
    )
    return [
        {
            "audience": r["question__survey__audience"],
            "domain": r["question__domain"],
            "round_id": r["response__round_id"],
            "mean": _safe_mean(r["mean"], r["people"], tuple(r[f] for f in fields), unsafe),
            "people": shown(r["people"], r["people"]),
        }
        for r in rows
    ]


def mirrored(mirror_keys=None) -> dict[str, dict[str, dict]]:
    """For each mirror key, the mean answer per audience over all rounds,
    hidden below k people or when a question behind it has hidden cells.
    Two queries."""
    answers = Answer.objects.filter(question__kind__in=SCALE_KINDS).exclude(question__mirror_key="")
    if mirror_keys is not None:
        answers = answers.filter(question__mirror_key__in=mirror_keys)
    fields = ["question__mirror_key", "question__survey__audience"]
    unsafe = unsafe_groups(answers, fields)
    rows = (
        answers.values(*fields, "question__kind")
        .annotate(mean=Avg("number"), people=Count("response_id", distinct=True))
        .order_by()
    )
    table: dict[str, dict[str, dict]] = {}
    for r in rows:
        table.setdefault(r["question__mirror_key"], {})[r["question__survey__audience"]] = {
            "mean": _safe_mean(r["mean"], r["people"], tuple(r[f] for f in fields), unsafe),
            "scale": "0–10" if r["question__kind"] == QuestionKind.LIKELIHOOD else "1–5",
        }
    return table


def round_response_counts(survey: Survey) -> list[Round]:
    """The survey's rounds with invitation and response counts. One query."""
    return list(survey.rounds.with_counts().filter(~Q(status="missed")).order_by("opened_at"))
