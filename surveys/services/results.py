"""Survey results, added up from the stored counts of released units only
(services/releases.py, services/tallies.py), in a fixed number of queries.

Every figure here is a sum over whole units, each about at least k people,
and inside a unit only over questions at least k of its people answered.
So nothing a page shows is about fewer than k people, and neither is the
difference between any two pages (docs/privacy.md). Inside a released unit
every figure is shown, small answer options included: see the same page for
why."""

import datetime
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..choices import SCALE_KINDS, TEXT_KINDS, QuestionKind
from ..models import Answer, Question, Release, Survey
from .tallies import LIKELIHOOD_GROUP, Tally, domain_group, load_tally, mirror_group, question_group
from .versions import continuations

# As django.utils.text.normalize_newlines, then the linebreaksbr filter.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Cell:
    label: str
    count: int
    share: float


@dataclass
class QuestionResult:
    question: Question
    respondents: int
    shown: bool = False  # False: no released unit had k people answer it
    cells: list[Cell] = field(default_factory=list)
    mean: float | None = None
    nps: int | None = None
    share_yes: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def text_items(self) -> str:
        """The free-text answers as escaped `<li>` items, in one pass: a
        template loop over thousands of answers was most of the results
        page's time on the large dataset."""
        items = "".join(f"<li>{_LINE_BREAK.sub('<br>', html.escape(text))}</li>" for text in self.texts)
        return mark_safe(items)  # noqa: S308 - every answer is escaped above, as the linebreaksbr filter does


@dataclass(frozen=True)
class Column:
    """What the results show side by side: a round, or rounds pooled into
    one unit. Its units are the round's (or rounds') released units, one
    per channel."""

    key: int  # the pk of its first round, for ?round=
    units: tuple[int, ...]
    opened_at: datetime.datetime
    last_opened_at: datetime.datetime
    rounds: int
    audience: str
    survey_title: str
    survey_version: int
    # Whether the columns beside it are of several versions of a survey.
    of_versions: bool = False

    @property
    def label(self) -> str:
        label = date_format(self.opened_at, "j M Y")
        if self.rounds > 1:
            label = f"{label} – {date_format(self.last_opened_at, 'j M Y')} ({self.rounds} rounds pooled)"
        if self.of_versions:
            label = f"{label} · " + _("version %(n)s") % {"n": self.survey_version}
        return label


def survey_tally(survey: Survey, versions: list[Survey] | None = None) -> Tally:
    """The counts of every released unit of `survey`, or of all its
    `versions` (services/versions.family), each question of another
    version counted as the question of `survey` it continues. Three
    queries; four over several versions."""
    versions = versions or [survey]
    tally = load_tally(Release.objects.released().filter(survey__in=versions))
    if len(versions) > 1:
        tally.fold(continuations(survey, versions))
    return tally


def all_released_tally() -> Tally:
    """The counts of every released unit of every survey. Three queries."""
    return load_tally(Release.objects.released())


def columns(tally: Tally) -> list[Column]:
    """The tally's units grouped by the rounds they cover, oldest first."""
    grouped: dict[frozenset[int], list[int]] = {}
    versions = {info.survey_version for info in tally.units.values()}
    for unit_id, info in tally.units.items():
        grouped.setdefault(info.round_ids, []).append(unit_id)
    made = []
    for round_ids, unit_ids in grouped.items():
        info = tally.units[unit_ids[0]]
        made.append(
            Column(
                key=min(round_ids, key=lambda pk: (info.opened_at, pk)),
                units=tuple(sorted(unit_ids)),
                opened_at=info.opened_at,
                last_opened_at=info.last_opened_at,
                rounds=len(round_ids),
                audience=info.audience,
                survey_title=info.survey_title,
                survey_version=info.survey_version,
                of_versions=len(versions) > 1,
            )
        )
    return sorted(made, key=lambda c: (c.opened_at, c.key))


def column_of_round(tally: Tally, round_id: int) -> Column | None:
    return next((c for c in columns(tally) if round_id in tally.units[c.units[0]].round_ids), None)


def nps(counts: dict[int, int]) -> int | None:
    """Promoters (9–10) minus detractors (0–6), as a share of all, in points."""
    total = sum(counts.values())
    if not total:
        return None
    promoters = sum(n for score, n in counts.items() if score >= 9)
    detractors = sum(n for score, n in counts.items() if score <= 6)
    return round(100 * (promoters - detractors) / total)


def mean(counts: dict[int, int]) -> float | None:
    total = sum(counts.values())
    return sum(value * n for value, n in counts.items()) / total if total else None


def _sum_values(tally: Tally, units: Iterable[int], questions: Iterable[int]) -> dict[int, int]:
    """Answers per value of `questions` over `units`."""
    summed: dict[int, int] = {}
    for unit_id in units:
        for question_id in questions:
            for number, n in tally.values(unit_id, question_id).items():
                summed[number] = summed.get(number, 0) + n
    return summed


def _of_kind(tally: Tally, *kinds: str, **attrs) -> set[int]:
    """The tally's questions of these kinds (and attribute values)."""
    return {
        pk
        for pk, info in tally.questions.items()
        if info.kind in kinds and all(getattr(info, name) == value for name, value in attrs.items())
    }


def _people(tally: Tally, units: Iterable[int], group: str) -> int:
    """Distinct respondents to `group` over `units`: a response belongs to
    one unit, so the units' counts add up."""
    return sum(tally.people.get((unit_id, group), 0) for unit_id in units)


def question_results(
    survey: Survey, tally: Tally, units: Iterable[int] | None = None, questions: list[Question] | None = None
) -> list[QuestionResult]:
    """Per question, over `units` (default: every unit in the tally):
    distribution, mean, 0–10 score, share answering yes and free text.
    Two queries; one when the survey's questions are given."""
    units = set(tally.units if units is None else units)
    texts = _texts(tally, units)
    if questions is None:
        questions = list(survey.questions.order_by("position", "id"))
    return [_one_result(question, tally, units, texts.get(question.pk, [])) for question in questions]


def _one_result(question: Question, tally: Tally, units: set[int], texts: list[str]) -> QuestionResult:
    people = _people(tally, units, question_group(question.pk))
    result = QuestionResult(question=question, respondents=people, shown=people > 0)
    if not result.shown:
        return result
    if question.kind in TEXT_KINDS:
        # Alphabetical, so the order says nothing about who answered when.
        result.texts = sorted(texts, key=str.casefold)
        return result
    counts = _sum_values(tally, units, [question.pk])
    result.cells = [
        Cell(str(label), counts.get(v, 0), counts.get(v, 0) / people) for v, label in question.options("en")
    ]
    if question.kind in SCALE_KINDS:
        result.mean = mean(counts)
    if question.kind == QuestionKind.LIKELIHOOD:
        result.nps = nps(counts)
    if question.kind == QuestionKind.YES_NO:
        answered = counts.get(0, 0) + counts.get(1, 0)
        result.share_yes = counts.get(1, 0) / answered if answered else None
    return result


def _texts(tally: Tally, units: set[int]) -> dict[int, list[str]]:
    """The free-text answers of `units`, for the questions counted in each,
    less those withheld. One query."""
    counted = {(u, q) for (u, q, number) in tally.answers if number is None and u in units}
    if not counted:
        return {}
    wanted = {q for _, q in counted}
    asked_as = wanted | {old for old, new in tally.aliases.items() if new in wanted}
    rows = Answer.objects.filter(
        question_id__in=asked_as,
        withheld=False,
        response__round__release_parts__release__in=units,
        response__round__release_parts__channel=F("response__channel"),
    ).values_list("response__round__release_parts__release_id", "question_id", "text")
    texts: dict[int, list[str]] = {}
    for unit_id, asked_as_id, text in rows:
        question_id = tally.aliases.get(asked_as_id, asked_as_id)
        if (unit_id, question_id) in counted:
            texts.setdefault(question_id, []).append(text)
    return texts


def trend_by_column(tally: Tally) -> dict[int, dict[int, float]]:
    """The mean of each scale question in each column: {question: {column key: mean}}."""
    trend: dict[int, dict[int, float]] = {}
    scales = _of_kind(tally, *SCALE_KINDS)
    for column in columns(tally):
        for question_id in scales:
            value = mean(_sum_values(tally, column.units, [question_id]))
            if value is not None:
                trend.setdefault(question_id, {})[column.key] = value
    return trend


def domain_scores(tally: Tally) -> list[dict]:
    """Mean agreement (1–5) per audience, wellbeing domain and column, with
    how many people it is about."""
    domains = sorted({info.domain for info in tally.questions.values() if info.domain})
    in_domain = {domain: _of_kind(tally, QuestionKind.AGREEMENT, domain=domain) for domain in domains}
    rows = []
    for column in columns(tally):
        for domain in domains:
            value = mean(_sum_values(tally, column.units, in_domain[domain]))
            if value is not None:
                people = _people(tally, column.units, domain_group(domain))
                rows.append(
                    {"audience": column.audience, "domain": domain, "column": column, "mean": value, "people": people}
                )
    return rows


def likelihood_trend(tally: Tally, audience: str) -> list[dict]:
    """Per column of surveys for `audience`: the mean of every 0–10 answer,
    and how many people gave one."""
    likelihood = _of_kind(tally, QuestionKind.LIKELIHOOD)
    rows = []
    for column in columns(tally):
        value = mean(_sum_values(tally, column.units, likelihood)) if column.audience == audience else None
        if value is not None:
            rows.append({"column": column, "mean": value, "people": _people(tally, column.units, LIKELIHOOD_GROUP)})
    return rows


def mirrored(tally: Tally) -> list[dict]:
    """For each mirror key, the mean answer per audience over every unit in
    the tally: [{"key", "text", "scale", "means": {audience: mean},
    "people": {audience: n}}], by key."""
    by_audience: dict[str, list[int]] = {}
    for unit_id, info in tally.units.items():
        by_audience.setdefault(info.audience, []).append(unit_id)
    keyed = {pk: info for pk, info in tally.questions.items() if info.kind in SCALE_KINDS and info.mirror_key}
    table = []
    for mirror_key in sorted({info.mirror_key for info in keyed.values()}):
        mine = {pk: info for pk, info in keyed.items() if info.mirror_key == mirror_key}
        scale = 10 if any(info.kind == QuestionKind.LIKELIHOOD for info in mine.values()) else 5
        entry: dict[str, Any] = {"key": mirror_key, "text": min(info.text for info in mine.values()), "scale": scale}
        entry |= {"means": {}, "people": {}}
        for audience, units in by_audience.items():
            value = mean(_sum_values(tally, units, mine))
            if value is not None:
                entry["means"][audience] = value
                entry["people"][audience] = _people(tally, units, mirror_group(mirror_key))
        if entry["means"]:
            table.append(entry)
    return table
