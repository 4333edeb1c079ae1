"""Answers. For an anonymous survey nothing here can lead back to a person:
no link to an invitation, recipient, user or address, and no time finer than
the day. tests/surveys/test_anonymity.py fails if such a field is ever added."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.choices import Language

from ..choices import ResponseChannel


class Response(models.Model):
    # No index of its own: response_round_channel_idx starts with the round.
    round = models.ForeignKey("surveys.Round", on_delete=models.PROTECT, related_name="responses", db_index=False)
    submitted_on = models.DateField(_("submitted on"))
    channel = models.CharField(max_length=8, choices=ResponseChannel.choices, default=ResponseChannel.INVITED)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)

    class Meta:
        ordering = ["round", "id"]
        indexes = [
            # RoundQuerySet.with_counts: a round's responses by channel.
            models.Index(fields=["round", "channel"], name="response_round_channel_idx"),
        ]

    def __str__(self) -> str:
        return f"Response #{self.pk}"


class Answer(models.Model):
    """One answer to one question. Scales, yes/no (1 = yes, 0 = no) and choices
    (the choice's index; -1 = prefer not to say) go in `number`; a multiple
    choice answer is one row per ticked choice; text goes in `text`."""

    PREFER_NOT_TO_SAY = -1

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # No index of its own: answer_question_number_idx starts with the question.
    # Each index is written on every answer saved (ten or more per submission).
    question = models.ForeignKey("surveys.Question", on_delete=models.PROTECT, related_name="answers", db_index=False)
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [
            # Results: all answers to one question.
            models.Index(fields=["question", "number"], name="answer_question_number_idx"),
        ]

    def __str__(self) -> str:
        return f"Answer #{self.pk}"


class ResponseAuthor(models.Model):
    """Who answered, for surveys that are NOT anonymous (a partner survey where
    partners chose to be named). Kept apart from Response so that an anonymous
    response has no such link at all, not merely an empty one."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="author")
    invitation = models.OneToOneField("surveys.Invitation", on_delete=models.CASCADE, related_name="author_of")

    def __str__(self) -> str:
        return f"Author of response #{self.response_id}"
