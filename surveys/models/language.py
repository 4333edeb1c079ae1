"""Language that respects agency (the wellbeing model's second step: review
materials for words that remove the agency of people in the sex trades).
Administrators keep the list of words in the admin; the builder flags them
wherever a survey's text uses them (services/language_review.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partners.choices import Language


class AgencyTerm(models.Model):
    """A word or phrase to flag, with why and what to say instead. Matched
    at the start of a word, in any case: "victim" flags "victims" too."""

    phrase = models.CharField(_("word or phrase"), max_length=100)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    reason = models.TextField(_("why it is flagged"))
    alternative = models.CharField(_("say instead"), max_length=300)
    active = models.BooleanField(_("flag it"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["language", "phrase"]
        verbose_name = _("word to review")
        verbose_name_plural = _("words to review")
        constraints = [models.UniqueConstraint(fields=["phrase", "language"], name="agency_term_once_per_language")]

    def __str__(self) -> str:
        return f"{self.phrase} ({self.language})"


class DismissedFlag(models.Model):
    """A manager's decision that a flagged word stays where it is, and why
    (a quotation, a name, a partner's own wording). The flag is then no
    longer shown for that place in that survey."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="dismissed_flags")
    term = models.ForeignKey(AgencyTerm, on_delete=models.CASCADE, related_name="+")
    place = models.CharField(max_length=60)
    reason = models.CharField(_("why it stays"), max_length=300)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "term", "place"], name="flag_dismissed_once_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.term} in {self.place}"
