"""Stored counts of a closed round's answers, so results pages add up a few
hundred stored counts instead of re-reading every answer on each request.

A closed round takes no more answers, so its counts never change. Only
counts are stored: answers per (round, question, value) and distinct
respondents per (round, group of questions). Nothing here is per person,
and suppression still runs at read time on these counts exactly as on live
ones (surveys/services/results.py)."""

from django.db import models


class RoundSummary(models.Model):
    """Marks a round whose counts are stored; rounds without one are counted live."""

    round = models.OneToOneField("surveys.Round", on_delete=models.CASCADE, related_name="summary")
    made_on = models.DateField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Counts of round #{self.round_id}"


class RoundCount(models.Model):
    """One stored count. With a question and no group: answers to the
    question with `number` (None: text or no number). With a group: how many
    distinct responses answered any question of that group in the round."""

    # The foreign key's own index serves results.load_tally (counts of a set of rounds).
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="counts")
    question = models.ForeignKey("surveys.Question", on_delete=models.CASCADE, null=True, related_name="+")
    number = models.SmallIntegerField(null=True)
    group = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"Round #{self.round_id}: {self.group or self.question_id} = {self.count}"
