"""Released units: the only answers any figure is ever built from.

A unit is one closed round's answers by one channel (private links, or the
shared link), or several neighbouring closed rounds pooled by a manager. It
exists only when it holds at least k responses; its counts are stored when
it is made and never change. Every results page, chart and CSV adds up
whole units, so two views, or one view at two moments, differ by whole
units of at least k people (docs/privacy.md)."""

from django.conf import settings
from django.db import models

from ..choices import ReleaseState, ResponseChannel


class ReleaseQuerySet(models.QuerySet):
    def released(self) -> "ReleaseQuerySet":
        return self.filter(state=ReleaseState.RELEASED)


class Release(models.Model):
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="releases")
    channel = models.CharField(max_length=8, choices=ResponseChannel.choices)
    rounds = models.ManyToManyField("surveys.Round", through="surveys.ReleasedRound", related_name="releases")
    responses = models.PositiveIntegerField()
    # The opening of its first round: a date range selects a unit by this
    # one moment, so it is always in or out whole.
    opened_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=ReleaseState.choices, default=ReleaseState.REVIEW)
    release_after = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    # Who pooled the rounds; empty for a round released on its own.
    pooled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at", "id"]
        indexes = [
            # The dashboard: released units opened in a period.
            models.Index(fields=["state", "opened_at"], name="release_state_opened_idx"),
            # The beat: units in review whose review has ended.
            models.Index(fields=["release_after"], name="release_review_idx", condition=models.Q(state="review")),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} answers of {self.survey} from {self.opened_at:%Y-%m-%d}"

    @property
    def is_released(self) -> bool:
        return self.state == ReleaseState.RELEASED


class ReleasedRound(models.Model):
    """One round's answers by one channel, in one unit. The channel is
    repeated here so that the database itself refuses to put a round's
    answers in two units: a unit that grew later would differ from the one
    shown before by fewer than k people."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="parts")
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="release_parts")
    channel = models.CharField(max_length=8, choices=ResponseChannel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "channel"], name="round_channel_released_once")]

    def __str__(self) -> str:
        return f"Round #{self.round_id} ({self.channel}) in unit #{self.release_id}"


class ReleaseCount(models.Model):
    """One stored count of a unit. With a question: answers to it with
    `number` (None: text answers). With a group: how many of the unit's
    responses answered a question of that group. Only questions that at
    least k of the unit's people answered are counted at all."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="counts")
    question = models.ForeignKey("surveys.Question", on_delete=models.CASCADE, null=True, related_name="+")
    number = models.SmallIntegerField(null=True)
    group = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"Unit #{self.release_id}: {self.group or self.question_id} = {self.count}"


def minimum_for(channel: str) -> int:
    """k for a unit of this channel: shared-address and paper units need
    more people, because anyone holding the address, or the staff member
    typing in paper forms, can add answers of their own."""
    if channel in (ResponseChannel.SHARED, ResponseChannel.PAPER):
        return settings.SURVEY_MIN_SHARED_RESPONSES
    return settings.SURVEY_MIN_RESPONSES
