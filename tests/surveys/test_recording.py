"""The two ways a response is written (surveys/services/answering.py): one
statement on PostgreSQL, ORM queries in a transaction elsewhere. Both write
the same rows, use a link once, and name the author only for a named survey."""

from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Answer, Invitation, Response, ResponseAuthor
from surveys.services.answering import LinkAlreadyUsed, record_response
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

ONE_STATEMENT = pytest.param(
    True,
    id="one-statement",
    marks=pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's (set DATABASE_URL)"
    ),
)
PATHS = [pytest.param(False, id="orm"), ONE_STATEMENT]


def _survey(anonymous: bool):
    survey = SurveyFactory(status="active", anonymous=anonymous)
    questions = [
        QuestionFactory(survey=survey, position=1, kind="agreement"),
        QuestionFactory(survey=survey, position=2, kind="multiple_choice", choices=[{"en": "A"}, {"en": "B"}]),
        QuestionFactory(survey=survey, position=3, kind="long_text"),
    ]
    return RoundFactory(survey=survey), questions


def _answers(questions) -> list[Answer]:
    agreement, several, text = questions
    return [
        Answer(question=agreement, number=4),
        Answer(question=several, number=0),
        Answer(question=several, number=Answer.PREFER_NOT_TO_SAY),
        Answer(question=text, text="The evening hours — and the tea"),
    ]


def _written(response: Response) -> dict:
    """Everything a response left in the database, without ids."""
    stored = Response.objects.get(pk=response.pk)
    return {
        "response": (stored.round_id, stored.submitted_on, stored.channel, stored.language),
        "answers": sorted(stored.answers.values_list("question_id", "number", "text")),
        "author": list(ResponseAuthor.objects.filter(response=stored).values_list("invitation_id", flat=True)),
    }


def _record_both_ways(anonymous: bool, invited: bool) -> list[dict]:
    survey_round, questions = _survey(anonymous)
    written = []
    for one_statement in (False, True):
        invitation = InvitationFactory(round=survey_round, recipient=RecipientFactory()) if invited else None
        response = record_response(
            survey_round, _answers(questions), language="es", invitation=invitation, in_one_statement=one_statement
        )
        row = _written(response)
        if invitation is not None:
            invitation.refresh_from_db()
            assert invitation.responded
            row["author"] = ["the invitation" if pk == invitation.pk else pk for pk in row["author"]]
        written.append(row)
    return written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL's path (set DATABASE_URL)")
@pytest.mark.parametrize(
    ("anonymous", "invited"), [(True, True), (False, True), (True, False)], ids=["anonymous", "named", "shared-link"]
)
def test_both_paths_write_the_same_rows(anonymous, invited):
    by_orm, in_one_statement = _record_both_ways(anonymous, invited)
    assert by_orm == in_one_statement
    assert len(by_orm["answers"]) == 4
    assert by_orm["author"] == ([] if anonymous else ["the invitation"])
    assert by_orm["response"][2] == ("invited" if invited else "shared")


@pytest.mark.parametrize("one_statement", PATHS)
def test_a_link_records_once(one_statement):
    survey_round, questions = _survey(anonymous=True)
    invitation = InvitationFactory(round=survey_round, recipient=RecipientFactory())
    stale = Invitation.objects.get(pk=invitation.pk)
    record = partial(record_response, survey_round, language="en", in_one_statement=one_statement)
    record(_answers(questions), invitation=invitation)
    with pytest.raises(LinkAlreadyUsed):
        record(_answers(questions), invitation=stale)
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 4


@pytest.mark.parametrize("one_statement", PATHS)
def test_a_response_with_every_question_skipped_is_still_recorded(one_statement):
    survey_round, _ = _survey(anonymous=True)
    invitation = InvitationFactory(round=survey_round, recipient=RecipientFactory())
    response = record_response(survey_round, [], language="en", invitation=invitation, in_one_statement=one_statement)
    assert Response.objects.filter(pk=response.pk).exists()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("one_statement", PATHS)
def test_the_answers_passed_in_point_at_the_saved_response(one_statement):
    survey_round, questions = _survey(anonymous=True)
    answers = _answers(questions)
    response = record_response(survey_round, answers, language="en", in_one_statement=one_statement)
    assert response.pk is not None and not response._state.adding
    assert {answer.response_id for answer in answers} == {response.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's path (set DATABASE_URL)")
def test_on_postgresql_a_named_response_is_one_statement():
    survey_round, questions = _survey(anonymous=False)
    invitation = InvitationFactory(round=survey_round, recipient=RecipientFactory())
    with CaptureQueriesContext(connection) as queries:
        record_response(survey_round, _answers(questions), language="en", invitation=invitation)
    assert len(queries) == 1
