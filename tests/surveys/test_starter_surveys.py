"""The three starter surveys made by migration 0003: present, bilingual,
anonymous, skippable, mirrored across audiences, and worded with respect."""

import importlib
import re

import pytest
from django.apps import apps

from surveys.models import Question, Survey

pytestmark = pytest.mark.django_db

starter = importlib.import_module("surveys.migrations.0003_starter_surveys")

AUDIENCES = {
    "participants": "Wellbeing check-in",
    "partners": "Partnership survey",
    "staff": "Staff and volunteer survey",
}
MIRRORS = {
    "respect": "agreement",
    "responsive": "agreement",
    "follows-lead": "agreement",
    "would-recommend": "likelihood",
}
# Words the product does not use about people in the sex trades (DESIGN.md, "Voice and language").
BANNED = re.compile(r"victim|víctima|rescue|rescat|prostitut|exploit|explota", re.IGNORECASE)


def starters() -> list[Survey]:
    surveys = list(Survey.objects.filter(title__in=AUDIENCES.values()).prefetch_related("questions"))
    # Every check below loops over these: none may pass by finding nothing to check.
    assert len(surveys) == len(AUDIENCES), [s.title for s in surveys]
    assert all(survey.questions.all() for survey in surveys)
    return surveys


def all_text(survey: Survey) -> list[str]:
    texts = [survey.title, survey.title_es, survey.intro, survey.intro_es]
    for question in survey.questions.all():
        texts += [question.text, question.text_es, question.help_text, question.help_text_es]
        texts += [label for choice in question.choices for label in choice.values()]
    return texts


def test_one_active_anonymous_survey_per_audience():
    surveys = starters()

    assert {s.audience: s.title for s in surveys} == AUDIENCES
    assert all(s.status == "active" and s.anonymous for s in surveys)


def test_everything_is_written_in_english_and_spanish():
    for survey in starters():
        assert survey.title_es and survey.intro_es, survey
        for question in survey.questions.all():
            assert question.text_es and question.text_es != question.text, question
            assert bool(question.help_text) == bool(question.help_text_es), question
            assert all(choice["en"] and choice["es"] for choice in question.choices), question


def test_the_intro_says_what_the_survey_is_about_and_leaves_the_promise_to_the_page():
    """Who sees the answers, anonymity and skipping are said once, by the
    survey page for every survey (survey.html): an intro repeating them
    read twice, in other words."""
    for survey in starters():
        assert "our work" in survey.intro or "our organization" in survey.intro, survey
        for text in (survey.intro, survey.intro_es):
            assert "\n" not in text.strip()
            assert not any(word in text for word in ("anonymous", "anónimas", "5 ", "skip", "saltar")), text


SPEAKING_TO_TU = re.compile(r"\b(tú|te|ti|tu|tus|puedes|eres|escribas|recomiendes|haces)\b", re.IGNORECASE)


def test_the_spanish_says_usted_throughout():
    for survey in starters():
        texts = [survey.title_es, survey.intro_es]
        for question in survey.questions.all():
            texts += [question.text_es, question.help_text_es, *(choice["es"] for choice in question.choices)]
        found = [text for text in texts if SPEAKING_TO_TU.search(text)]
        assert not found, found


def test_every_question_can_be_skipped_and_is_valid():
    for survey in starters():
        for question in survey.questions.all():
            assert not question.required, question
            question.full_clean()


def test_questions_are_in_order_without_gaps():
    for survey in starters():
        assert [q.position for q in survey.questions.all()] == list(range(1, survey.questions.count() + 1))


def test_participant_survey_covers_the_five_wellbeing_domains():
    survey = Survey.objects.get(title=AUDIENCES["participants"])

    domains = set(survey.questions.exclude(domain="").values_list("domain", flat=True))
    assert domains == {"connectedness", "safety", "stability", "mastery", "access"}
    assert survey.questions.filter(kind="long_text", text="What should we do differently?").exists()


def test_partner_survey_has_the_asked_for_kinds():
    kinds = set(Survey.objects.get(title=AUDIENCES["partners"]).questions.values_list("kind", flat=True))

    assert kinds >= {"agreement", "likelihood", "yes_no", "single_choice", "long_text"}


def test_mirrored_questions_appear_once_in_each_audience_with_the_same_kind():
    for key, kind in MIRRORS.items():
        mirrored = Question.objects.filter(mirror_key=key, survey__in=starters())
        assert sorted(mirrored.values_list("survey__audience", flat=True)) == sorted(AUDIENCES), key
        assert set(mirrored.values_list("kind", flat=True)) == {kind}, key


def test_the_respect_questions_are_the_ones_from_the_brief():
    texts = dict(Question.objects.filter(mirror_key="respect").values_list("survey__audience", "text"))

    assert texts == {
        "participants": "Staff here treat me with respect.",
        "partners": "We treat your organization with respect.",
        "staff": "We treat the people we work with with respect.",
    }


def test_no_word_that_removes_agency():
    for survey in starters():
        for text in all_text(survey):
            assert not BANNED.search(text), text


def test_questions_are_short_and_plain():
    # A rough stand-in for a sixth-grade reading level: short questions
    # made of short sentences.
    for survey in starters():
        for question in survey.questions.all():
            assert len(question.text.split()) <= 22, question.text
            assert len(question.text_es.split()) <= 24, question.text_es


def test_running_the_migration_again_adds_nothing_and_keeps_edits():
    survey = Survey.objects.get(title=AUDIENCES["staff"])
    survey.questions.filter(position=1).update(text="Edited by a manager")
    before = (Survey.objects.count(), Question.objects.count())

    starter.create_starter_surveys(apps, None)

    assert (Survey.objects.count(), Question.objects.count()) == before
    assert survey.questions.get(position=1).text == "Edited by a manager"


def test_the_migration_recreates_a_deleted_starter_survey():
    Survey.objects.filter(title=AUDIENCES["partners"]).delete()

    starter.create_starter_surveys(apps, None)

    assert Survey.objects.get(title=AUDIENCES["partners"]).questions.count() == len(starter.PARTNERS["questions"])


def test_going_back_removes_only_unsent_starter_surveys():
    from tests.factories import RoundFactory

    RoundFactory(survey=Survey.objects.get(title=AUDIENCES["staff"]))

    starter.remove_unused_starter_surveys(apps, None)

    assert list(Survey.objects.filter(title__in=AUDIENCES.values()).values_list("audience", flat=True)) == ["staff"]
