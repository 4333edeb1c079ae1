"""Survey recipients, rounds, invitations and answers, written with bulk_create.

The three starter surveys (one per audience, made by a migration) are used
as they are, so the benchmark measures the questions the product ships.
Invitation links get random hashes with no raw token behind them: nobody
can open a generated invitation, which is what a benchmark database wants."""

import datetime
import math
import random

from surveys.choices import CHOICE_KINDS, Audience, QuestionKind, Recurrence, ResponseChannel, RoundStatus, SendState
from surveys.models import (
    Answer,
    Invitation,
    InvitationToken,
    Recipient,
    Response,
    ResponseAuthor,
    Round,
    Schedule,
    Survey,
)
from surveys.models.recipients import email_digest
from surveys.services.rounds import eligible_recipients
from surveys.tokens import hash_token, shared_token

from . import names

BATCH = 5_000
DAYS_BETWEEN: dict[str, int] = {Audience.PARTICIPANTS: 30, Audience.PARTNERS: 60, Audience.STAFF: 60}
SHARED_SHARE = 0.2  # of participants' answers, through the poster's shared link


def surveys_by_audience() -> dict[str, Survey]:
    found: dict[str, Survey] = {}
    for survey in Survey.objects.filter(status="active").order_by("id"):
        found.setdefault(survey.audience, survey)
    missing = set(Audience).difference(found)
    if missing:
        raise RuntimeError(f"No active survey for {sorted(missing)}: the starter-survey migration has not run.")
    return found


def create_recipients(rng: random.Random, audience: str, count: int) -> int:
    """Emails are encrypted per row by the field; the digest is what save()
    would have set (bulk_create does not call save)."""
    rows = []
    first = Recipient.objects.filter(audience=audience).count()
    for i in range(first, first + count):
        email = f"{audience}-{i + 1}@example.org"
        rows.append(
            Recipient(
                audience=audience,
                email=email,
                email_digest=email_digest(email),
                language="es" if rng.random() < 0.3 else "en",
                consent=rng.random() < 0.9,
                opted_out=rng.random() < 0.03,
            )
        )
    Recipient.objects.bulk_create(rows, batch_size=BATCH)
    return count


def create_rounds(rng: random.Random, survey: Survey, count: int, now) -> list[Round]:
    """`count` rounds back from now, the latest still open; called again, it
    adds older rounds before the ones already there."""
    every = DAYS_BETWEEN[survey.audience]
    schedule, _ = Schedule.objects.get_or_create(
        survey=survey,
        defaults={
            "recurrence": Recurrence.MONTHLY if every == 30 else Recurrence.QUARTERLY,
            "next_run_at": now + datetime.timedelta(days=every - 5),
            "close_after_days": 21,
        },
    )
    earlier = Round.objects.filter(survey=survey).count()
    rounds = []
    for k in range(earlier + count, earlier, -1):
        opened = now - datetime.timedelta(days=k * every - 5)
        closes = opened + datetime.timedelta(days=21)
        is_open = k == 1
        rounds.append(
            Round(
                survey=survey,
                schedule=schedule,
                due_at=opened,
                opened_at=opened,
                closes_at=closes,
                closed_at=None if is_open else closes,
                status=RoundStatus.OPEN if is_open else RoundStatus.CLOSED,
            )
        )
    Round.objects.bulk_create(rounds)
    if survey.anonymous:
        for r in rounds:
            r.shared_token_hash = hash_token(shared_token(r.pk))
        Round.objects.bulk_update(rounds, ["shared_token_hash"])
    return rounds


def _random_hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def create_invitations(
    rng: random.Random, survey: Survey, rounds: list[Round], exclude: frozenset = frozenset()
) -> dict[int, list[Invitation]]:
    """Every eligible person (but the ids in `exclude`) in every round, as
    open_round does, with one link each; most sent, a few failed."""
    field = "contact" if survey.audience == Audience.PARTNERS else "recipient"
    people = [p for p in eligible_recipients(survey).order_by("pk").only("id", "language") if p.pk not in exclude]
    by_round = {}
    for r in rounds:
        rows = [
            Invitation(
                round=r,
                language=person.language,
                state=SendState.FAILED if rng.random() < 0.01 else SendState.SENT,
                attempts=1,
                sent_at=r.opened_at,
                **{field: person},
            )
            for person in people
        ]
        Invitation.objects.bulk_create(rows, batch_size=BATCH)
        InvitationToken.objects.bulk_create(
            [InvitationToken(invitation=i, token_hash=_random_hash(rng)) for i in rows], batch_size=BATCH
        )
        by_round[r.pk] = rows
    return by_round


def _answers(rng: random.Random, question, response_id: int) -> list[Answer]:
    if rng.random() < 0.05:  # people skip questions
        return []
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        if rng.random() < 0.6:
            return []
        return [Answer(response_id=response_id, question=question, text=rng.choice(names.SHORT_ANSWERS))]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        picks = rng.sample(range(len(question.choices)), k=min(len(question.choices), rng.randint(1, 2)))
        return [Answer(response_id=response_id, question=question, number=p) for p in picks]
    if kind in CHOICE_KINDS:
        number = rng.randrange(len(question.choices)) if rng.random() > 0.05 else Answer.PREFER_NOT_TO_SAY
    elif kind == QuestionKind.AGREEMENT:
        number = rng.choice([2, 3, 4, 4, 4, 5, 5, 5])
    elif kind == QuestionKind.LIKELIHOOD:
        number = rng.choice([5, 7, 8, 9, 9, 10, 10, 10])
    else:  # yes / no
        number = rng.choice([1, 1, 1, 0])
    return [Answer(response_id=response_id, question=question, number=number)]


def create_answers(rng, plan: list[tuple[Survey, Round, list[Invitation]]], target: int) -> tuple[int, int]:
    """Responses, spread over the rounds in proportion to who was invited,
    until at least `target` answers exist. Returns (responses, answers).
    Invited responses mark an invitation as responded; a named (not
    anonymous) survey also records its author."""
    questions = {s.pk: list(s.questions.all()) for s, _, _ in plan}
    waiting = {r.pk: [i for i in invitations if i.state == SendState.SENT] for _, r, invitations in plan}
    weight = sum(len(w) for w in waiting.values())
    per_response = sum(max(1, len(q)) * 0.85 for q in questions.values()) / len(questions)
    responses = answers = 0
    while answers < target:
        wanted = math.ceil((target - answers) / per_response)
        made_this_pass = 0
        for survey, round_, _ in plan:
            share = math.ceil(wanted * len(waiting[round_.pk]) / weight) if weight else wanted
            made, answers_made = _respond(rng, survey, round_, questions[survey.pk], waiting[round_.pk], share)
            responses += made
            made_this_pass += made
            answers += answers_made
            if answers >= target:
                break
        if not made_this_pass:
            raise RuntimeError("Every invitation has answered and the answer target is still not met.")
    return responses, answers


def _respond(rng, survey, round_, questions, waiting: list[Invitation], count: int) -> tuple[int, int]:
    shared = survey.anonymous and survey.audience == Audience.PARTICIPANTS
    span = max(1, (round_.closes_at - round_.opened_at).days)
    rows, used = [], []
    for _ in range(count):
        by_link = shared and (not waiting or rng.random() < SHARED_SHARE)
        if not by_link and not waiting:
            break  # everyone invited has answered
        invitation = None if by_link else waiting.pop(rng.randrange(len(waiting)))
        used.append(invitation)
        rows.append(
            Response(
                round=round_,
                submitted_on=(round_.opened_at + datetime.timedelta(days=rng.randrange(span))).date(),
                channel=ResponseChannel.INVITED if invitation else ResponseChannel.SHARED,
            )
        )
    Response.objects.bulk_create(rows, batch_size=BATCH)
    given = [a for response in rows for q in questions for a in _answers(rng, q, response.pk)]
    Answer.objects.bulk_create(given, batch_size=BATCH)
    responded = [i for i in used if i is not None]
    Invitation.objects.filter(pk__in=[i.pk for i in responded]).update(responded=True)
    if not survey.anonymous:
        ResponseAuthor.objects.bulk_create(
            [ResponseAuthor(response=r, invitation=i) for r, i in zip(rows, used, strict=True) if i is not None]
        )
    return len(rows), len(given)
