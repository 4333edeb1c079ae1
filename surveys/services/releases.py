"""The release rule (docs/privacy.md): results are released, never live.

A round's answers are weighed once, when it has closed and settled: each
channel's answers (private links; the shared link) become a unit when at
least k people gave them (models.releases.minimum_for), and are held
otherwise. A held round enters no figure anywhere unless a manager pools it
with neighbouring held rounds into a unit that reaches k. A unit with free
text waits in review for SURVEY_REVIEW_DAYS, so that program managers can
withhold an answer that names someone, then is released; one without
free text is released at once. A unit never changes after it is made."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import TEXT_KINDS, ReleaseState, ResponseChannel, RoundStatus
from ..models import Answer, Release, ReleaseCount, ReleasedRound, Response, Round, Survey
from ..models.releases import minimum_for
from ..models.rounds import SETTLE
from .tallies import count_unit

log = logging.getLogger(__name__)


class PoolRefused(Exception):
    """Why a set of rounds cannot be pooled, in words for the manager."""


def decide_settled_rounds(now: datetime.datetime | None = None) -> int:
    """Weighs every closed round whose answers have settled and were not
    weighed yet. Returns how many units were made."""
    now = now or timezone.now()
    due = Round.objects.settled(now).filter(status=RoundStatus.CLOSED, release_checked=False)
    return sum(_decide(round_id, now) for round_id in list(due.values_list("pk", flat=True)))


@transaction.atomic
def _decide(round_id: int, now: datetime.datetime) -> int:
    # skip_locked: a second beat weighing the same round moves on.
    survey_round = (
        Round.objects.select_for_update(skip_locked=True)
        .filter(pk=round_id, release_checked=False)
        .select_related("survey")
        .first()
    )
    if survey_round is None:
        return 0
    made = 0
    for channel, responses in _responses_by_channel([survey_round]).items():
        if responses >= minimum_for(channel):
            review_from = survey_round.closed_at + SETTLE
            make_unit(survey_round.survey, [survey_round], channel, responses, review_from=review_from, now=now)
            made += 1
    survey_round.release_checked = True
    survey_round.save(update_fields=["release_checked"])
    return made


def _responses_by_channel(rounds: list[Round]) -> dict[str, int]:
    rows = Response.objects.filter(round__in=rounds).values("channel").annotate(n=Count("pk")).order_by()
    return {row["channel"]: row["n"] for row in rows}


def make_unit(
    survey: Survey,
    rounds: list[Round],
    channel: str,
    responses: int,
    *,
    review_from: datetime.datetime,
    now: datetime.datetime,
    pooled_by=None,
) -> Release:
    """Makes a unit of `rounds`' answers by `channel` and stores its counts.
    Call inside a transaction holding the rounds."""
    release = Release.objects.create(
        survey=survey,
        channel=channel,
        responses=responses,
        opened_at=min(r.opened_at for r in rounds),
        release_after=now,
        pooled_by=pooled_by,
    )
    ReleasedRound.objects.bulk_create([ReleasedRound(release=release, round=r, channel=channel) for r in rounds])
    questions = list(survey.questions.all())
    answers = Answer.objects.filter(response__round__in=rounds, response__channel=channel)
    counts = count_unit(release, answers, questions, minimum_for(channel))
    ReleaseCount.objects.bulk_create(counts, batch_size=1000)
    texts = {q.pk for q in questions if q.kind in TEXT_KINDS}
    if settings.SURVEY_REVIEW_DAYS and any(c.question_id in texts for c in counts):
        release.release_after = review_from + datetime.timedelta(days=settings.SURVEY_REVIEW_DAYS)
    if release.release_after <= now:
        release.state, release.released_at = ReleaseState.RELEASED, now
    release.save(update_fields=["release_after", "state", "released_at"])
    log.info("Made unit %s of survey %s (%s, %s responses)", release.pk, survey.pk, channel, responses)
    return release


def release_due_units(now: datetime.datetime | None = None) -> int:
    """Releases every unit whose review has ended."""
    now = now or timezone.now()
    return Release.objects.filter(state=ReleaseState.REVIEW, release_after__lte=now).update(
        state=ReleaseState.RELEASED, released_at=now
    )


def release_now(release: Release, now: datetime.datetime | None = None) -> bool:
    """Ends a unit's review early. False when it was already released."""
    now = now or timezone.now()
    updated = Release.objects.filter(pk=release.pk, state=ReleaseState.REVIEW).update(
        state=ReleaseState.RELEASED, released_at=now, release_after=now
    )
    return bool(updated)


def held_rounds(survey: Survey) -> list[Round]:
    """The survey's weighed rounds of which nothing was released, oldest
    first, with their participation counts: the rounds a manager may pool."""
    return list(
        survey.rounds.with_counts()
        .filter(status=RoundStatus.CLOSED, release_checked=True, release_parts__isnull=True)
        .order_by("opened_at", "pk")
    )


@transaction.atomic
def pool_rounds(survey: Survey, round_ids: list[int], user, now: datetime.datetime | None = None) -> list[Release]:
    """Pools neighbouring held rounds: each channel's answers over them
    become one unit when together they reach that channel's k. Raises
    PoolRefused, with the reason, when nothing can be made."""
    now = now or timezone.now()
    Survey.objects.select_for_update().filter(pk=survey.pk).first()  # one pooling of a survey at a time
    rounds = _neighbouring_held(survey, set(round_ids))
    counts = _responses_by_channel(rounds)
    made = [
        make_unit(survey, rounds, channel, counts[channel], review_from=now, now=now, pooled_by=user)
        for channel in ResponseChannel.values
        if counts.get(channel, 0) >= minimum_for(channel)
    ]
    if not made:
        raise PoolRefused(
            _(
                "Together these rounds have %(invited)s answers by private link and %(shared)s by the shared "
                "link: not enough for either (%(k)s and %(k_shared)s are needed)."
            )
            % {
                "invited": counts.get(ResponseChannel.INVITED, 0),
                "shared": counts.get(ResponseChannel.SHARED, 0),
                "k": minimum_for(ResponseChannel.INVITED),
                "k_shared": minimum_for(ResponseChannel.SHARED),
            }
        )
    return made


def _neighbouring_held(survey: Survey, chosen: set[int]) -> list[Round]:
    closed = list(survey.rounds.filter(status=RoundStatus.CLOSED).order_by("opened_at", "pk"))
    positions = [i for i, r in enumerate(closed) if r.pk in chosen]
    if len(positions) < 2 or len(positions) != len(chosen):
        raise PoolRefused(_("Choose two or more closed rounds of this survey."))
    if positions[-1] - positions[0] + 1 != len(positions):
        raise PoolRefused(_("Choose rounds next to each other: pooled rounds must follow one another."))
    rounds = closed[positions[0] : positions[-1] + 1]
    held = {r.pk for r in held_rounds(survey)}
    if any(r.pk not in held for r in rounds):
        raise PoolRefused(_("Only rounds that are closed, counted and not released can be pooled."))
    return rounds


def unit_text_answers(release: Release) -> list[Answer]:
    """The free-text answers a unit shows (withheld or not), for review:
    only questions counted in the unit, alphabetical, so the order says
    nothing about when each was written."""
    counted = ReleaseCount.objects.filter(release=release, question__kind__in=TEXT_KINDS).values("question_id")
    answers = Answer.objects.filter(
        response__round__in=release.rounds.all(), response__channel=release.channel, question_id__in=counted
    ).select_related("question")
    return sorted(answers, key=lambda a: (a.question.position, a.question_id, a.text.casefold(), a.pk))


@transaction.atomic
def set_withheld(release: Release, withheld_ids: set[int]) -> tuple[int, int]:
    """Withholds exactly `withheld_ids` among the unit's text answers. In
    review a manager may also put an answer back; once released, only
    withhold (putting one back would show it to people who never saw it
    next to the others). Returns (withheld, put back)."""
    answers = {a.pk: a for a in unit_text_answers(release)}
    to_withhold = [pk for pk in withheld_ids if pk in answers and not answers[pk].withheld]
    to_restore = [pk for pk, a in answers.items() if a.withheld and pk not in withheld_ids]
    if release.is_released:
        to_restore = []
    Answer.objects.filter(pk__in=to_withhold).update(withheld=True)
    Answer.objects.filter(pk__in=to_restore).update(withheld=False)
    return len(to_withhold), len(to_restore)
