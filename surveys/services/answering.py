"""Recording a response: atomic, a fixed number of queries whatever the
number of questions, and a link used at most once.

One transaction writes the response, its answers and, for a private link,
the link's SpentLink marker (services/spent_links.py); for a named survey
also who answered. It never writes an invitation row, so nothing in the
database shares a transaction with both a response and an invitation."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..choices import TEXT_KINDS, ResponseChannel
from ..models import Answer, Card, Invitation, Question, Response, ResponseAuthor, Round, SpentLink
from . import spent_links
from .spent_links import LinkAlreadyUsed

__all__ = ["LinkAlreadyUsed", "build_answers", "record_response"]


def build_answers(questions: list[Question], cleaned: dict) -> list[Answer]:
    """Turns the answer form's cleaned data into unsaved Answer rows."""
    answers = []
    for question in questions:
        value = cleaned.get(f"q{question.pk}")
        if value is None or value in ("", []):
            continue
        if question.kind in TEXT_KINDS:
            answers.append(Answer(question=question, text=value))
        elif isinstance(value, list):
            answers += [Answer(question=question, number=int(v)) for v in value]
        else:
            answers.append(Answer(question=question, number=int(value)))
    return answers


def _channel(invitation: Invitation | None, card: Card | None, paper: bool) -> str:
    if paper:
        return ResponseChannel.PAPER
    # A card stands for an invitation without a person: counted with them.
    return ResponseChannel.INVITED if invitation or card else ResponseChannel.SHARED


def record_response(
    survey_round: Round,
    answers: list[Answer],
    *,
    invitation: Invitation | None = None,
    card: Card | None = None,
    paper: bool = False,
) -> Response:
    """Saves a response and its answers (unsaved rows). With an invitation
    or a card, the link or card is spent in the same transaction: of several
    posts at once only one records, the others raise LinkAlreadyUsed. A
    named (not anonymous) survey also records who answered. `paper`: typed
    in by staff from a paper form, with nothing about who typed it."""
    response = Response(
        round=survey_round,
        # The day only: an exact time could be matched against the moment an
        # invitation was used.
        submitted_on=timezone.localdate(),
        channel=_channel(invitation, card, paper),
    )
    try:
        with transaction.atomic():
            if invitation is not None:
                spent_links.spend(invitation)
            if card is not None:
                spent_links.spend_card(card)
            response.save(force_insert=True)
            for answer in answers:
                answer.response = response
            Answer.objects.bulk_create(answers)
            if invitation is not None and not survey_round.survey.anonymous:
                ResponseAuthor.objects.create(response=response, invitation=invitation)
    except IntegrityError:
        if invitation is not None and SpentLink.objects.filter(marker__in=spent_links.markers(invitation.pk)).exists():
            raise LinkAlreadyUsed from None
        if card is not None and spent_links.card_is_spent(card):
            raise LinkAlreadyUsed from None
        raise
    return response
