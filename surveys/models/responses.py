"""Answers. For an anonymous survey nothing here can lead back to a person:
no link to an invitation, recipient, user or address, no time finer than the
day, and not the language the invitation was written in. Nor is anything
written with a response to an invitation row (services/spent_links.py).
tests/surveys/test_anonymity.py fails if such a field is ever added."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import PREFER_NOT_TO_SAY, ResponseChannel


class Response(models.Model):
    # No index of its own: response_round_channel_idx starts with the round.
    round = models.ForeignKey("surveys.Round", on_delete=models.PROTECT, related_name="responses", db_index=False)
    submitted_on = models.DateField(_("submitted on"))
    channel = models.CharField(max_length=8, choices=ResponseChannel.choices, default=ResponseChannel.INVITED)

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

    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # No index of its own: answer_question_number_idx starts with the question.
    # Each index is written on every answer saved (ten or more per submission).
    question = models.ForeignKey("surveys.Question", on_delete=models.PROTECT, related_name="answers", db_index=False)
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    # A free-text answer a program manager kept out of the results (it
    # named someone); audited, and never shown to leadership.
    withheld = models.BooleanField(default=False)

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


class SpentLink(models.Model):
    """That an invitation's link was used, written with the response in one
    transaction that touches no invitation row. The marker is a keyed hash of
    the invitation's id (services/spent_links.py): the app can recompute it,
    someone holding only the database cannot, so the row ties the response's
    transaction to no invitation. Its primary key is what makes a link
    single-use at once: a second response for the same invitation collides.
    Kept until the round has closed, then deleted."""

    marker = models.CharField(max_length=64, primary_key=True)
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return "A used link"
