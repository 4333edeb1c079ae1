"""The survey page each web process keeps, for speed.

Measured with `make bench` (docs/performance.md, "Speed tricks measured
again"): without anything kept a survey page GET cost 11.3 ms of worker CPU
(target 5 ms) and submissions ran at 0.17 of the bare insert (target 0.25);
keeping the questions and their form fields but rendering every page, the
GET still cost 8.3 ms. With both kept: 1.9 ms and 0.24-0.27.

What is kept, per round and language, for a minute: the questions, their
form fields (shared by every request's form, see AnswerForm), the "you
said, we did" items, and the blank page rendered once with a slot where
each request's CSRF token goes. Questions change only while a survey is a
draft (never kept), and leaving draft saves the survey (a new updated_at,
so a new key); the minute bounds how long an item added to an earlier
round, or a question changed in the admin, takes to show. Forms with
answers or errors are always rendered afresh.
tests/surveys/test_fast_paths.py checks the kept page is the page the plain
way renders."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from ..emails import loop_items
from ..forms.answers import answer_fields
from ..models import Question, Round

SECONDS = 60
MOST_KEPT = 256
# Where the CSRF token goes in a kept blank page: the only part of it that
# differs between respondents.
CSRF_SLOT = "CSRFSLOT" * 4


class PageParts:
    """A survey's questions, their form fields and "you said, we did" items
    in one language, and its blank page once rendered; `kept` when shared
    between requests."""

    __slots__ = ("expires", "questions", "fields", "loop", "blank_page", "kept")

    def __init__(self, questions: list[Question], language: str, loop: list, *, kept: bool):
        self.expires = time.time() + SECONDS
        self.questions, self.loop, self.kept = questions, loop, kept
        self.fields = answer_fields(questions, language)
        self.blank_page: str | None = None


_KEPT: dict[tuple, PageParts] = {}


def page_parts(survey_round: Round, language: str, *, fresh: bool = False) -> PageParts:
    """The round's page parts in this language. Two queries when `fresh` (a
    draft's preview) or not yet kept, else none."""
    survey = survey_round.survey
    key = (survey_round.pk, survey_round.opened_at, survey_round.closes_at, survey.pk, survey.updated_at, language)
    keep = not fresh and not survey.is_editable and survey_round.pk is not None
    kept = _KEPT.get(key) if keep else None
    if kept is not None and kept.expires > time.time():
        return kept
    # Ordered here rather than by Meta.ordering, which starts with the survey
    # and so joins and sorts by the survey table for nothing.
    questions = list(survey.questions.order_by("position", "id"))
    parts = PageParts(questions, language, loop_items(survey, language, before=survey_round), kept=keep)
    if keep:
        if len(_KEPT) >= MOST_KEPT:
            _KEPT.clear()
        _KEPT[key] = parts
    return parts


def blank_page(request: HttpRequest, parts: PageParts, render: Callable[[str], str]) -> HttpResponse:
    """The page before anyone typed anything, from kept parts: the same for
    every respondent of a round but for the CSRF token, so it is rendered
    once, by `render(csrf_token)`, with a slot for the token, and afterwards
    only this request's token is put in."""
    if parts.blank_page is None:
        parts.blank_page = render(CSRF_SLOT)
    return HttpResponse(parts.blank_page.replace(CSRF_SLOT, get_token(request)))
