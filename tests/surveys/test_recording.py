"""Recording a response (surveys/services/answering.py): one transaction
that writes the response, its answers and the link's marker, never the
invitation; a link used once; the author named only for a named survey."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Answer, Invitation, Response, ResponseAuthor, SpentLink
from surveys.services.answering import LinkAlreadyUsed, record_response
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize(
    ("anonymous", "invited"), [(True, True), (False, True), (True, False)], ids=["anonymous", "named", "shared-link"]
)
def test_what_a_response_writes(anonymous, invited):
    survey_round, questions = _survey(anonymous)
    invitation = InvitationFactory(round=survey_round, recipient=RecipientFactory()) if invited else None
    before = Invitation.objects.filter(round=survey_round).values().first()

    response = record_response(survey_round, _answers(questions), invitation=invitation)

    stored = Response.objects.get(pk=response.pk)
    assert stored.channel == ("invited" if invited else "shared")
    assert sorted(stored.answers.values_list("question_id", "number", "text")) == sorted(
        (a.question_id, a.number, a.text) for a in _answers(questions)
    )
    authors = list(ResponseAuthor.objects.values_list("invitation_id", flat=True))
    assert authors == ([invitation.pk] if invited and not anonymous else [])
    assert SpentLink.objects.count() == (1 if invited else 0)
    # The invitation row is not written: it is marked answered later, in a batch.
    assert Invitation.objects.filter(round=survey_round).values().first() == before


def test_a_link_records_once():
    survey_round, questions = _survey(anonymous=True)
    invitation = InvitationFactory(round=survey_round, recipient=RecipientFactory())
    stale = Invitation.objects.get(pk=invitation.pk)
    record_response(survey_round, _answers(questions), invitation=invitation)
    with pytest.raises(LinkAlreadyUsed):
        record_response(survey_round, _answers(questions), invitation=stale)
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 4


def test_a_response_with_every_question_skipped_is_still_recorded():
    survey_round, _ = _survey(anonymous=True)
    invitation = InvitationFactory(round=survey_round, recipient=RecipientFactory())
    response = record_response(survey_round, [], invitation=invitation)
    assert Response.objects.filter(pk=response.pk).exists()
    assert not Answer.objects.exists()


def test_the_answers_passed_in_point_at_the_saved_response():
    survey_round, questions = _survey(anonymous=True)
    answers = _answers(questions)
    response = record_response(survey_round, answers)
    assert response.pk is not None and not response._state.adding
    assert {answer.response_id for answer in answers} == {response.pk}


def test_the_queries_do_not_grow_with_the_answers():
    survey_round, questions = _survey(anonymous=False)
    counts = []
    for answers in (_answers(questions)[:1], _answers(questions) * 5):
        invitation = InvitationFactory(round=survey_round, recipient=RecipientFactory())
        with CaptureQueriesContext(connection) as queries:
            record_response(survey_round, answers, invitation=invitation)
        counts.append(len(queries))
    assert counts[0] == counts[1]
