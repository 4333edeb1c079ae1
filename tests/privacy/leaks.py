"""Telling a leaking figure from a safe one, whatever the markup.

Canary values do the work: an allowed answer is at the top of every scale
(and yes), a forbidden one at the bottom (and no) with a "CANARY-..." text,
so a figure leaks iff it shows "CANARY", a mean below the top, or a bottom
value counted. Differencing: two views of a figure, one inside the other,
must differ by nobody or by at least k people."""

import csv
import io
import itertools
import re

from surveys.models import Question

from .attacks import CANARY_TEXT, k

# Surfaces that may show participation counts (how many were invited, how
# many answered): those change while a round is open, so they are searched
# for CANARY but left out of the before/after comparison.
PARTICIPATION = (
    "round ",
    "results ",
    "dashboard ",
    "report ",
    "dashboard.csv key-figures",
    "dashboard.csv response-rates",
)
TOP_MEAN = {"agreement": 5.0, "likelihood": 10.0}


def canary_leaks(pages: dict[str, str], marker: str = "CANARY") -> list[str]:
    """Every surface showing `marker`, with the distinct texts it shows."""
    found = []
    for name, text in pages.items():
        if marker in text:
            texts = sorted(set(CANARY_TEXT.findall(text))) if marker == "CANARY" else []
            found.append(f"{name}: {text.count(marker)}x {marker!r} {texts[:8]}")
    return found


def parse_csv(text: str) -> tuple[list[str], list[list[str]]] | None:
    if text.startswith("HTTP "):
        return None
    rows = list(csv.reader(io.StringIO(text)))
    return (rows[0], rows[1:]) if rows else None


def number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _is_bottom(kind: str, label: str) -> bool:
    label = label.strip().casefold()
    if kind == "agreement":
        return label.startswith("strongly disagree") or label == "1"
    if kind == "likelihood":
        return label.split(" ")[0] == "0"
    return kind == "yes_no" and label in ("no", "0")


def results_csv_leaks(name: str, header: list[str], rows: list[list[str]]) -> list[str]:
    """A results CSV (question, domain, respondents, answer, count, share,
    mean, nps): no bottom value counted, no mean or NPS below the top."""
    kinds = dict(Question.objects.values_list("text", "kind"))
    column = {title: index for index, title in enumerate(header)}
    found = []
    for row in rows:
        cell = dict(zip(header, row, strict=False))
        kind = kinds.get(row[column["question"]].lstrip("'"), "") if "question" in column else ""
        count = number(cell.get("count", ""))
        if count and _is_bottom(kind, cell.get("answer", "")):
            found.append(f"{name}: {count:g} people at the bottom ({cell.get('answer')}) of {row[0]!r}")
        mean = number(cell.get("mean", ""))
        if mean is not None and kind in TOP_MEAN and abs(mean - TOP_MEAN[kind]) > 0.005:
            found.append(f"{name}: mean {mean:g} of {row[0]!r}")
        score = number(cell.get("nps", ""))
        if score is not None and score != 100:
            found.append(f"{name}: recommend score {score:g} of {row[0]!r}")
    return sorted(set(found))


def _scale_top(text: str) -> float | None:
    text = text.replace("–", " to ")
    if "0 to 10" in text:
        return 10.0
    return 5.0 if "1 to 5" in text else None


def dashboard_averages(header: list[str], rows: list[list[str]]):
    """Every average of a dashboard CSV, read by its header (a column named
    average/mean/score, or an audience column after a "Scale" column), as
    (column, value, whether it is the top of its scale, row). The scale is
    read from the header or the row's Scale cell."""
    lowered = [title.casefold() for title in header]
    scale_at = lowered.index("scale") if "scale" in lowered else None
    scores = [
        index
        for index, title in enumerate(lowered)
        if any(word in title for word in ("average", "mean", "score")) or (scale_at is not None and index > scale_at)
    ]
    for row in rows:
        for index in scores:
            value = number(row[index]) if index < len(row) else None
            if value is not None:
                top = _scale_top(header[index]) or (_scale_top(row[scale_at]) if scale_at is not None else None)
                at_top = abs(value - top) <= 0.005 if top else value in (5.0, 10.0)
                yield header[index], value, at_top, row


def dashboard_csv_leaks(name: str, header: list[str], rows: list[list[str]]) -> list[str]:
    """Every average of a dashboard CSV must be the top of its scale."""
    return [
        f"{name}: {column} = {value:g} in row {row[: min(3, len(row))]}"
        for column, value, at_top, row in dashboard_averages(header, rows)
        if not at_top
    ]


def released_averages(pages: dict[str, str]) -> list[str]:
    """The dashboard CSVs that show at least one top-of-scale average: the
    control that released rounds are still shown."""
    return [
        name
        for name, text in pages.items()
        if name.startswith("dashboard.csv")
        and (parsed := parse_csv(text))
        and any(at_top for _column, _value, at_top, _row in dashboard_averages(*parsed))
    ]


def figure_leaks(pages: dict[str, str]) -> list[str]:
    """CANARY anywhere, and every CSV checked for means and bottom counts."""
    found = canary_leaks(pages)
    for name, text in pages.items():
        parsed = parse_csv(text) if name.startswith(("results.csv", "dashboard.csv")) else None
        if parsed and name.startswith("results.csv"):
            found += results_csv_leaks(name, *parsed)
        elif parsed:
            found += dashboard_csv_leaks(name, *parsed)
    return found


def _columns(header: list[str]) -> tuple[list[int], list[int]]:
    """Which columns count people, and which say what a row is about."""
    lowered = [title.casefold() for title in header]
    people = [i for i, title in enumerate(lowered) if "people" in title or "respondents" in title]
    if "question" in lowered:  # a results CSV: one row per answer, people per question
        return people, [lowered.index("question")]
    scale_at = lowered.index("scale") if "scale" in lowered else None
    figures = ("average", "mean", "score", "rate", "answered", "invited", "value")
    about = [
        i
        for i, title in enumerate(lowered)
        if i not in people and not any(word in title for word in figures) and (scale_at is None or i <= scale_at)
    ]
    return people, about


def respondent_counts(pages: dict[str, str]) -> dict[tuple, dict[str, int]]:
    """How many people each figure is about: by figure (the surface's name
    without its round or date range) and what the row is about, then by
    surface. From every CSV column about people or respondents."""
    counts: dict[tuple, dict[str, int]] = {}
    for name, text in pages.items():
        parsed = parse_csv(text) if name.startswith(("results.csv", "dashboard.csv")) else None
        if not parsed:
            continue
        header, rows = parsed
        people, about = _columns(header)
        figure = name.rsplit(" ", 1)[0]
        for row in rows:
            for index in people:
                value = number(row[index]) if index < len(row) else None
                if value is not None:
                    key = (figure, header[index], *(row[i] for i in about if i < len(row)))
                    counts.setdefault(key, {})[name] = int(value)
    return counts


def _span(name: str) -> tuple[str, str] | None:
    found = re.search(r"(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d)$", name)
    return found.groups() if found else None


def _nested(one: str, other: str) -> bool:
    """Whether one view's people may include the other's: the same view, "All
    rounds" beside a round, or a date range inside another."""
    if one == other or one.endswith("round=all") or other.endswith("round=all"):
        return True
    spans = _span(one), _span(other)
    if None in spans:
        return False
    (start, end), (other_start, other_end) = spans
    return (start <= other_start and other_end <= end) or (other_start <= start and end <= other_end)


SHOWN_TEXT = re.compile(r"(?:released-ok|CANARY)-[A-Za-z0-9-]*[0-9]")


def shown_texts(pages: dict[str, str]) -> dict[tuple, dict[str, frozenset]]:
    """The text answers each results page shows (every one is unique)."""
    texts: dict[tuple, dict[str, frozenset]] = {}
    for name, text in pages.items():
        if name.startswith("results "):
            texts.setdefault((name.rsplit(" ", 1)[0], "text answers"), {})[name] = frozenset(SHOWN_TEXT.findall(text))
    return texts


def _apart(a, b) -> int:
    return len(a ^ b) if isinstance(a, frozenset) else abs(a - b)


def _shown(value) -> str:
    return f"{len(value)} texts" if isinstance(value, frozenset) else str(value)


def differencing_leaks(*snapshots: dict[str, str]) -> list[str]:
    """Two views of the same figure, one inside the other at one moment, or
    the same view at two moments, may differ by nobody or by at least k
    people (or text answers), never by 1 to k-1: the difference would be
    about those few. (A round's view and "all rounds" at another moment are
    not one inside the other: rounds released in between are in neither.)"""
    merged: dict[tuple, list[tuple]] = {}
    for moment, pages in enumerate(snapshots):
        for key, by_surface in (respondent_counts(pages) | shown_texts(pages)).items():
            merged.setdefault(key, []).extend((moment, name, value) for name, value in by_surface.items())
    found = []
    for key, views in merged.items():
        pairs = [
            f"{_shown(a)} in [{t1}] {one} vs {_shown(b)} in [{t2}] {other}"
            for (t1, one, a), (t2, other, b) in itertools.combinations(sorted(views, key=lambda v: v[:2]), 2)
            if 0 < _apart(a, b) < k() and (one == other or (t1 == t2 and _nested(one, other)))
        ]
        if pairs:
            more = f" (and {len(pairs) - 1} more pairs)" if pairs[1:] else ""
            found.append(f"{' / '.join(key)}: {pairs[0]}{more}")
    return found


def without_csrf(text: str) -> str:
    """The page with its CSRF token (different on every request) taken out."""
    return re.sub(r"<input[^>]*csrfmiddlewaretoken[^>]*>", "<csrf>", text)


def content_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Surfaces that show what was answered (participation counts aside) and
    differ between two moments, with the first line that differs."""
    changed = []
    for name in sorted(set(before) | set(after)):
        if name.startswith(PARTICIPATION):
            continue
        old, new = without_csrf(before.get(name, "<missing>")), without_csrf(after.get(name, "<missing>"))
        if old != new:
            pairs = itertools.zip_longest(old.splitlines(), new.splitlines(), fillvalue="")
            first = next(((a, b) for a, b in pairs if a != b), ("", ""))
            changed.append(f"{name}: {first[0][:120]!r} -> {first[1][:120]!r}")
    return changed


def listing(problems: list[str], limit: int = 40) -> str:
    """The first `limit` problems, one a line, and how many more there are."""
    shown = "\n".join(problems[:limit])
    return shown + (f"\n... and {len(problems) - limit} more" if len(problems) > limit else "")
