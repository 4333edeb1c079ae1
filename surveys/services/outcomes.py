"""Where each round's answers stand under the release rule, for the round
and results pages: open, being counted, in review, released, or held below
k. Participation counts (invited, answered) come with it; they say how many
took part, never what anyone answered, and are shown as they are."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ReleaseState, ResponseChannel, RoundStatus
from ..models import ReleasedRound, Round, Survey
from ..models.releases import minimum_for

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Outcome(models.TextChoices):
    OPEN = "open", _("Open: answers are not shown while the round is open")
    COUNTING = "counting", _("Closed: counted a few minutes after closing")
    REVIEW = "review", _("In review")
    RELEASED = "released", _("Released")
    HELD = "held", _("Held: too few answers to show")
    NONE = "none", _("No answers")


@dataclass
class ChannelOutcome:
    channel: str
    responses: int
    minimum: int
    state: Outcome
    release_id: int | None = None
    release_after: datetime.datetime | None = None
    pooled: bool = False

    @property
    def label(self) -> "_StrOrPromise":
        return self.state.label


def round_outcomes(surveys: list[Survey]) -> list[Round]:
    """The rounds of `surveys` (a survey's versions; missed rounds left
    out), oldest first, each with participation counts and `.outcomes`, one
    per channel. Two queries."""
    rounds = list(
        Round.objects.with_counts()
        .filter(~Q(status=RoundStatus.MISSED), survey__in=surveys)
        .select_related("survey")
        .order_by("opened_at", "pk")
    )
    _attach(rounds)
    return rounds


def round_outcome(survey_round: Round) -> Round:
    """One round (from Round.objects.with_counts()) with `.outcomes`. One query."""
    _attach([survey_round])
    return survey_round


def _attach(rounds: list[Round]) -> None:
    parts = ReleasedRound.objects.filter(round__in=rounds).select_related("release")
    released = {(part.round_id, part.channel): part.release for part in parts}
    for survey_round in rounds:
        outcomes = [
            _outcome(survey_round, channel, released.get((survey_round.pk, channel)))
            for channel in ResponseChannel.values
            if channel == ResponseChannel.INVITED or survey_round.shared_token_hash
        ]
        # Attributes for the templates, beside the round's with_counts() annotations.
        survey_round.outcomes = outcomes  # type: ignore[attr-defined]
        survey_round.is_released = any(outcome.state == Outcome.RELEASED for outcome in outcomes)  # type: ignore[attr-defined]


def _outcome(survey_round: Round, channel: str, release) -> ChannelOutcome:
    # invited_responses and shared_responses: annotated by RoundQuerySet.with_counts()
    responses = survey_round.invited_responses if channel == ResponseChannel.INVITED else survey_round.shared_responses  # type: ignore[attr-defined]
    outcome = ChannelOutcome(channel, responses, minimum_for(channel), Outcome.NONE)
    if release is not None:
        outcome.state = Outcome.RELEASED if release.state == ReleaseState.RELEASED else Outcome.REVIEW
        outcome.release_id, outcome.release_after = release.pk, release.release_after
        outcome.pooled = release.pooled_by_id is not None
    elif survey_round.status == RoundStatus.OPEN and survey_round.closes_at > timezone.now():
        outcome.state = Outcome.OPEN
    elif not survey_round.release_checked:
        outcome.state = Outcome.COUNTING
    elif responses:
        outcome.state = Outcome.HELD
    return outcome
