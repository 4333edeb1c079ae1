"""Recording a response: one transaction, a fixed number of queries whatever
the number of questions, and a link used at most once."""

from django.db import transaction
from django.utils import timezone

from ..choices import TEXT_KINDS, ResponseChannel
from ..models import Answer, Invitation, Question, Response, ResponseAuthor, Round


class LinkAlreadyUsed(Exception):
    pass


def build_answers(questions: list[Question], cleaned: dict) -> list[Answer]:
    """Turns the answer form's cleaned data into unsaved Answer rows."""
    answers = []
    for question in questions:
        value = cleaned.get(f"q{question.pk}")
        if value in (None, "", []):
            continue
        if question.kind in TEXT_KINDS:
            answers.append(Answer(question=question, text=value))
        elif isinstance(value, list):
            answers += [Answer(question=question, number=int(v)) for v in value]
        else:
            answers.append(Answer(question=question, number=int(value)))
    return answers


@transaction.atomic
def record_response(
    survey_round: Round,
    answers: list[Answer],
    *,
    language: str,
    invitation: Invitation | None = None,
) -> Response:
    """Saves a response. With an invitation, first marks it used with a
    conditional UPDATE that only one of several simultaneous posts can win."""
    if invitation is not None:
        won = Invitation.objects.filter(pk=invitation.pk, responded=False).update(responded=True)
        if not won:
            raise LinkAlreadyUsed
    response = Response.objects.create(
        round=survey_round,
        # The day only: an exact time could be matched against the moment an
        # invitation was used.
        submitted_on=timezone.localdate(),
        channel=ResponseChannel.INVITED if invitation else ResponseChannel.SHARED,
        language=language,
    )
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    if invitation is not None and not survey_round.survey.anonymous:
        ResponseAuthor.objects.create(response=response, invitation=invitation)
    return response
