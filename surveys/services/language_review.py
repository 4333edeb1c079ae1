"""The builder's review of a survey's words: words from the administrators'
list (models/language.AgencyTerm) wherever the survey's text uses them, in
both languages (its title and introduction, every question, hint and
choice, and its "you said, we did" items), and questions that lack their
Spanish. Computed from the text each time, so a flag goes away when the
text changes; a manager can also dismiss one, with a reason. Nothing here
stops a survey from being sent. Three queries besides the questions, whatever
the survey's size."""

import re
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _

from ..models import AgencyTerm, DismissedFlag, Question, Survey, YouSaidWeDid


@dataclass(frozen=True)
class Flag:
    term: AgencyTerm
    place: str  # a stable key: "survey:intro_es", "question:12:choice:1"
    where: str  # for people: "Question 3 (Spanish)"
    found: str  # the word as written


@cache
def _pattern(phrase: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"\w*", re.IGNORECASE)


def _texts(survey: Survey, questions: list, items: list) -> list[tuple[str, str, str, str]]:
    """(place, where, language, text) of every text the survey shows."""
    english, spanish = _("English"), _("Spanish")
    found = [
        ("survey:title", _("Title"), "en", survey.title),
        ("survey:title_es", _("Title"), "es", survey.title_es),
        ("survey:intro", _("Introduction"), "en", survey.intro),
        ("survey:intro_es", _("Introduction"), "es", survey.intro_es),
    ]
    for number, question in enumerate(questions, start=1):
        where = _("Question %(number)s") % {"number": number}
        found += [
            (f"question:{question.pk}:text", where, "en", question.text),
            (f"question:{question.pk}:text_es", where, "es", question.text_es),
            (f"question:{question.pk}:help", where, "en", question.help_text),
            (f"question:{question.pk}:help_es", where, "es", question.help_text_es),
        ]
        for index, choice in enumerate(question.choices or []):
            found += [
                (f"question:{question.pk}:choice:{index}", where, "en", choice.get("en", "")),
                (f"question:{question.pk}:choice_es:{index}", where, "es", choice.get("es", "")),
            ]
    for item in items:
        where = _("You said, we did")
        found += [
            (f"loop:{item.pk}:you_said", where, "en", item.you_said),
            (f"loop:{item.pk}:you_said_es", where, "es", item.you_said_es),
            (f"loop:{item.pk}:we_did", where, "en", item.we_did),
            (f"loop:{item.pk}:we_did_es", where, "es", item.we_did_es),
        ]
    names = {"en": english, "es": spanish}
    return [(place, f"{where} ({names[language]})", language, text) for place, where, language, text in found if text]


def review(survey: Survey, questions: list[Question]) -> tuple[list[Flag], list[str]]:
    """The survey's flags not dismissed, and the questions without Spanish.
    `questions`: the survey's, in order (the survey page has them already)."""
    items = list(YouSaidWeDid.objects.filter(round__survey=survey).order_by("pk"))
    terms = list(AgencyTerm.objects.filter(active=True))
    dismissed = set(DismissedFlag.objects.filter(survey=survey).values_list("term_id", "place"))
    flags = []
    for place, where, language, text in _texts(survey, questions, items):
        for term in terms:
            if term.language != language or (term.pk, place) in dismissed:
                continue
            match = _pattern(term.phrase).search(text)
            if match:
                flags.append(Flag(term=term, place=place, where=where, found=match.group(0)))
    no_spanish = [
        _("Question %(number)s") % {"number": number}
        for number, question in enumerate(questions, start=1)
        if not question.text_es.strip()
    ]
    return flags, no_spanish
