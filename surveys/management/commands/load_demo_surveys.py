"""Demo survey data: recipients, schedules for the starter surveys (the first
rounds open a minute after `make run` starts, so the worker really sends
them), and past rounds with fictional answers: for participants and
partners one large enough to be released, for staff two too small to show
on their own (held), which a manager can pool on the results page. Their
answers are weighed for release at once, as the beat would. Safe to run
twice."""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from surveys.choices import Audience, LoopStatus, QuestionKind, Recurrence, RoundStatus, SurveyStatus
from surveys.models import Answer, Invitation, Recipient, Response, Round, Schedule, Survey, YouSaidWeDid
from surveys.models.recipients import email_digest
from surveys.services.releases import decide_settled_rounds
from surveys.services.rounds import eligible_recipients

SEED = 5
# Responses in each past round, oldest first.
PAST_RESPONSES: dict[str, list[int]] = {Audience.PARTICIPANTS: [40], Audience.PARTNERS: [24], Audience.STAFF: [3, 3]}
LOOP: dict[str, tuple[str, str, str, str]] = {
    Audience.PARTICIPANTS: (
        "The drop-in hours ended too early for people who work at night.",
        "El horario del espacio abierto terminaba muy temprano para quienes trabajan de noche.",
        "We now keep the drop-in open until 10 pm on Thursdays.",
        "Ahora, los jueves, el espacio está abierto hasta las 10 de la noche.",
    ),
    Audience.PARTNERS: (
        "We sometimes offered help you had not asked for.",
        "A veces ofrecimos ayuda que ustedes no habían pedido.",
        "We now ask first, and we log who started each request.",
        "Ahora preguntamos primero y anotamos quién pidió cada cosa.",
    ),
}


class Command(BaseCommand):
    help = "Load demo survey recipients, schedules and past answers (fictional)."

    @transaction.atomic
    def handle(self, *args, **options):
        rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        surveys = {s.audience: s for s in Survey.objects.filter(status=SurveyStatus.ACTIVE).order_by("id")}
        if not surveys:
            self.stdout.write("No active surveys: nothing to do.")
            return
        added = self._recipients(Audience.PARTICIPANTS, 48) + self._recipients(Audience.STAFF, 10)
        now = timezone.now()
        for offset, (audience, survey) in enumerate(sorted(surveys.items())):
            Schedule.objects.get_or_create(
                survey=survey,
                defaults={
                    "recurrence": Recurrence.QUARTERLY,
                    "next_run_at": now + timedelta(minutes=1 + offset),
                    "reminder_after_days": 7,
                    "max_reminders": 1,
                    "close_after_days": 21,
                },
            )
            if not survey.rounds.exists():
                for number, responses in enumerate(PAST_RESPONSES.get(audience, [5])):
                    self._past_round(survey, responses, rng, now - timedelta(days=100 * (number + 1)), loop=number == 0)
        units = decide_settled_rounds(now)
        self.stdout.write(
            f"Demo surveys: {added} recipients added; schedules and past rounds ready ({units} released)."
        )

    def _recipients(self, audience: str, count: int) -> int:
        added = 0
        for n in range(count):
            email = f"{audience}-{n + 1}@example.org"
            if Recipient.objects.filter(audience=audience, email_digest=email_digest(email)).exists():
                continue
            language = "es" if n % 3 == 0 else "en"
            Recipient.objects.create(audience=audience, email=email, language=language, consent=n != 7)
            added += 1
        return added

    def _past_round(self, survey: Survey, responses: int, rng: random.Random, opened, *, loop: bool) -> None:
        closed = opened + timedelta(days=21)
        past = Round.objects.create(
            survey=survey, opened_at=opened, closes_at=closed, closed_at=closed, status=RoundStatus.CLOSED
        )
        people = eligible_recipients(survey)[: responses + 6]
        field = "contact" if survey.audience == Audience.PARTNERS else "recipient"
        Invitation.objects.bulk_create(
            [
                Invitation(round=past, state="sent", sent_at=opened, responded=i < responses, **{field: person})
                for i, person in enumerate(people)
            ]
        )
        responses = min(responses, len(people))
        questions = list(survey.questions.all())
        for _ in range(responses):
            response = Response.objects.create(round=past, submitted_on=(opened + timedelta(days=3)).date())
            Answer.objects.bulk_create([a for q in questions for a in _answers(q, response, rng)])
        if loop and survey.audience in LOOP:
            you_said, you_said_es, we_did, we_did_es = LOOP[survey.audience]
            YouSaidWeDid.objects.create(
                round=past,
                you_said=you_said,
                you_said_es=you_said_es,
                we_did=we_did,
                we_did_es=we_did_es,
                status=LoopStatus.DONE,
            )


def _answers(question, response, rng: random.Random) -> list[Answer]:
    if rng.random() < 0.05:  # people skip questions
        return []
    kind = question.kind
    if kind == QuestionKind.AGREEMENT:
        return [Answer(response=response, question=question, number=rng.choice([3, 4, 4, 4, 5, 5, 5]))]
    if kind == QuestionKind.LIKELIHOOD:
        return [Answer(response=response, question=question, number=rng.choice([8, 9, 9, 10, 10, 10]))]
    if kind == QuestionKind.YES_NO:
        return [Answer(response=response, question=question, number=rng.choice([1, 1, 1, 0]))]
    if kind == QuestionKind.SINGLE_CHOICE:
        return [Answer(response=response, question=question, number=rng.randrange(len(question.choices)))]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        picks = rng.sample(range(len(question.choices)), k=min(2, len(question.choices)))
        return [Answer(response=response, question=question, number=p) for p in picks]
    texts = [
        "Keep the evening hours.",
        "More Spanish-speaking staff, please.",
        "The team listens. Thank you.",
        "Ask us before planning events for us.",
        "Faster answers on emergency funds.",
    ]
    return [Answer(response=response, question=question, text=rng.choice(texts))]
