"""Changing a survey that has been sent, copying one, and starting from a
starter survey.

A sent survey's questions are locked, so that every round's answers match
what was asked. To change them a manager drafts a new version: a copy of
the same audience and anonymity whose questions each remember the question
they continue (Question.asked_before). Making it active archives the
version before and hands it the schedule and the short address
(Survey.save). Results add up a question with the questions it continues
when their answers mean the same (same kind, same number of choices), so
trends run on across versions (continuations()).

A copy starts a new survey, with no link to the old one's results."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..choices import SurveyStatus
from ..models import Question, Survey

COPIED_FIELDS = ["title", "title_es", "audience", "intro", "intro_es", "anonymous", "estimated_minutes"]
QUESTION_FIELDS = [
    "position",
    "kind",
    "text",
    "text_es",
    "help_text",
    "help_text_es",
    "required",
    "domain",
    "mirror_key",
    "choices",
]
# What continuations() needs of each question.
_LINK_FIELDS = ["pk", "survey_id", "asked_before_id", "kind", "choices"]
TITLE_MAX = Survey._meta.get_field("title").max_length


class VersionRefused(Exception):
    """Why a new version cannot be drafted from this survey now."""


def family(survey: Survey) -> list[Survey]:
    """Every version of `survey`, first to last. One query."""
    first = survey.version_of_id or survey.pk
    return list(Survey.objects.filter(Q(pk=first) | Q(version_of=first)).order_by("version"))


def draft_version(survey: Survey) -> Survey:
    """A new draft version of the sent survey `survey`, which must be its
    latest version. Raises VersionRefused with the reason otherwise."""
    if not survey.anonymity_locked:
        raise VersionRefused(_("This survey has not been sent yet: change it as it is."))
    later = Survey.objects.filter(version_of=survey.version_of_id or survey.pk, version__gt=survey.version)
    newer = later.order_by("-version").first()
    if newer is not None:
        raise VersionRefused(
            _("Version %(version)s of this survey already exists: change that one.") % {"version": newer.version}
        )
    try:
        with transaction.atomic():
            return _copy(survey, version_of=survey.version_of or survey, version=survey.version + 1, link=True)
    except IntegrityError as error:  # another manager drafted it a moment ago
        raise VersionRefused(_("Someone has just drafted a new version of this survey: change that one.")) from error


def copy_survey(survey: Survey, *, title: str) -> Survey:
    """A new draft survey with `survey`'s questions, audience, groups and
    texts, titled `title`, and nothing of its rounds or results."""
    with transaction.atomic():
        return _copy(survey, title=title[:TITLE_MAX])


def copy_title(survey: Survey) -> str:
    return _("%(title)s (copy)") % {"title": survey.title}


def starters() -> list[Survey]:
    """The latest non-draft version of each starter survey (or the starter
    itself), to start a new survey from. One query."""
    candidates = Survey.objects.filter(Q(starter=True) | Q(version_of__starter=True)).filter(
        Q(version=1) | ~Q(status=SurveyStatus.DRAFT)
    )
    latest: dict[int, Survey] = {}
    for survey in candidates.order_by("version"):
        latest[survey.version_of_id or survey.pk] = survey
    return sorted(latest.values(), key=lambda survey: (survey.audience, survey.title))


def _copy(survey: Survey, *, link: bool = False, **changes) -> Survey:
    fields = {name: getattr(survey, name) for name in COPIED_FIELDS}
    made = Survey.objects.create(**(fields | changes), status=SurveyStatus.DRAFT)
    made.groups.set(survey.groups.all())
    questions = survey.questions.order_by("position", "id")
    Question.objects.bulk_create(
        Question(
            survey=made,
            asked_before=question if link else None,
            **{name: getattr(question, name) for name in QUESTION_FIELDS},
        )
        for question in questions
    )
    return made


def same_answers(question: Question, other: Question) -> bool:
    """Whether two versions of a question can be added up: their answers
    are stored as the same numbers with the same meaning."""
    return question.kind == other.kind and len(question.choices or []) == len(other.choices or [])


def continuations(survey: Survey, versions: list[Survey]) -> dict[int, int]:
    """For results over every version of `survey`: each question of another
    version that asks what a question of `survey` asks, followed through
    Question.asked_before in either direction and with the same answers
    (same_answers), mapped to that question of `survey`. One query."""
    questions = {q.pk: q for q in Question.objects.filter(survey__in=versions).only(*_LINK_FIELDS)}

    def first_asked(question: Question) -> int:
        while question.asked_before_id in questions:
            question = questions[question.asked_before_id]
        return question.pk

    shown = {first_asked(q): q for q in questions.values() if q.survey_id == survey.pk}
    aliases = {}
    for pk, question in questions.items():
        mine = shown.get(first_asked(question))
        if question.survey_id != survey.pk and mine is not None and same_answers(question, mine):
            aliases[pk] = mine.pk
    return aliases
