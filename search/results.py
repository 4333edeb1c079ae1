"""The search page's answer: one section per kind the user may see."""

from dataclasses import dataclass

from .backends import ranked
from .folding import query_words
from .kinds import KINDS, Kind

PER_KIND = 20


@dataclass
class Section:
    kind: Kind
    rows: list
    more_url: str | None  # the kind's list, when there are more rows than shown


def search_for(user, text: str, per_kind: int = PER_KIND) -> list[Section]:
    """Ranked matches for `text`, kind by kind: one query per kind the user
    may view, whatever the number of results. Nothing for a query without
    words."""
    words = query_words(text)
    if not words:
        return []
    sections = []
    for kind in KINDS:
        if not user.has_perm(kind.permission):
            continue
        rows = ranked(kind, words, per_kind + 1)
        more = kind.more_url(text) if len(rows) > per_kind else None
        sections.append(Section(kind=kind, rows=rows[:per_kind], more_url=more))
    return sections
