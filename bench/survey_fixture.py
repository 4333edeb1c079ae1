"""The survey both load benchmarks use: ten questions of every kind, a round,
and people with invitations, made with the product's own token functions so
that links are real. Everything is removed again afterwards, so the benchmark
database keeps only the generated organization."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from surveys.choices import Audience, QuestionKind, SendState, SurveyStatus
from surveys.models import (
    Answer,
    Invitation,
    InvitationToken,
    Question,
    Recipient,
    Response,
    ResponseAuthor,
    Round,
    SpentLink,
    Survey,
)
from surveys.models.recipients import email_digest
from surveys.tokens import new_token

TITLE = "Benchmark: answering and dispatch under load"
EMAIL_DOMAIN = "bench.invalid"
CHOICES = [{"en": "Drop-in centre", "es": "Centro"}, {"en": "Outreach van", "es": "Furgoneta"}, {"en": "Phone line"}]
QUESTIONS = [
    (QuestionKind.AGREEMENT, "Staff treat me with respect"),
    (QuestionKind.AGREEMENT, "I feel safe when I come here"),
    (QuestionKind.AGREEMENT, "I can get what I need without explaining myself again"),
    (QuestionKind.LIKELIHOOD, "How likely are you to tell a friend about us?"),
    (QuestionKind.YES_NO, "Did you get a reply within a day?"),
    (QuestionKind.YES_NO, "Would you come back?"),
    (QuestionKind.SINGLE_CHOICE, "Which service did you use most?"),
    (QuestionKind.MULTIPLE_CHOICE, "Which services did you use?"),
    (QuestionKind.SHORT_TEXT, "One thing we should keep"),
    (QuestionKind.LONG_TEXT, "Anything else you want us to know"),
]
# A complete answer to each kind, as a browser would post it.
ANSWERS = {
    QuestionKind.AGREEMENT: ["4"],
    QuestionKind.LIKELIHOOD: ["8"],
    QuestionKind.YES_NO: ["1"],
    QuestionKind.SINGLE_CHOICE: ["0"],
    QuestionKind.MULTIPLE_CHOICE: ["0", "2"],
    QuestionKind.SHORT_TEXT: ["The evening hours"],
    QuestionKind.LONG_TEXT: ["The people at the desk know my name and never ask why I came. " * 3],
}


@dataclass
class BenchRound:
    round: Round
    questions: list[Question]
    invitation_ids: list[int]
    # Raw tokens exist only here, in memory; the database has their hashes.
    tokens: list[str]
    emails: list[str]

    def answer_fields(self) -> list[tuple[str, str]]:
        """A complete 10-question submission, as (name, value) pairs."""
        return [(f"q{q.pk}", value) for q in self.questions for value in ANSWERS[q.kind]]


@transaction.atomic
def create_round(people: int, *, with_tokens: bool, state: str = SendState.SENT) -> BenchRound:
    """A survey for participants with a round and `people` invitations.

    With tokens, each invitation gets one link (as sending would make); for
    the dispatch benchmark the invitations are left pending, without links,
    for the worker to send."""
    survey = Survey.objects.create(
        title=TITLE, audience=Audience.PARTICIPANTS, status=SurveyStatus.ACTIVE, intro="Thank you for your time."
    )
    questions = Question.objects.bulk_create(
        Question(survey=survey, position=n, kind=kind, text=text, choices=CHOICES if "choice" in kind else [])
        for n, (kind, text) in enumerate(QUESTIONS, start=1)
    )
    now = timezone.now()
    survey_round = Round.objects.create(survey=survey, opened_at=now, closes_at=now + timedelta(days=14))
    stamp = now.strftime("%Y%m%d%H%M%S%f")
    emails = [f"person{n}.{stamp}@{EMAIL_DOMAIN}" for n in range(people)]
    recipients = Recipient.objects.bulk_create(
        [
            Recipient(audience=Audience.PARTICIPANTS, email=e, email_digest=email_digest(e), consent=True)
            for e in emails
        ],
        batch_size=2000,
    )
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(round=survey_round, recipient=r, state=state, sent_at=now if state == SendState.SENT else None)
            for r in recipients
        ],
        batch_size=2000,
    )
    tokens = []
    if with_tokens:
        pairs = [new_token() for _ in invitations]
        InvitationToken.objects.bulk_create(
            [InvitationToken(invitation=i, token_hash=h) for i, (_, h) in zip(invitations, pairs, strict=True)],
            batch_size=2000,
        )
        tokens = [raw for raw, _ in pairs]
    return BenchRound(survey_round, questions, [i.pk for i in invitations], tokens, emails)


def responses_count(bench_round: BenchRound) -> int:
    return Response.objects.filter(round=bench_round.round).count()


def remove(bench_round: BenchRound) -> None:
    """Deletes everything `create_round` made and what the benchmark added
    (responses, links). Raw deletes, children first: no history rows or
    signals for thousands of throwaway people."""
    survey_round = bench_round.round
    invitations = Invitation.objects.filter(round=survey_round)
    recipient_ids = list(invitations.values_list("recipient_id", flat=True))
    responses = Response.objects.filter(round=survey_round)
    with transaction.atomic():
        for rows in (
            Answer.objects.filter(response__in=responses),
            ResponseAuthor.objects.filter(response__in=responses),
            responses,
            InvitationToken.objects.filter(invitation__round=survey_round),
            SpentLink.objects.filter(round=survey_round),
            invitations,
            Round.objects.filter(pk=survey_round.pk),
            Recipient.objects.filter(pk__in=recipient_ids),
            Question.objects.filter(survey_id=survey_round.survey_id),
            Survey.objects.filter(pk=survey_round.survey_id),
        ):
            rows._raw_delete(rows.db)
