from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Audience(models.TextChoices):
    PARTICIPANTS = "participants", _("Program participants")
    PARTNERS = "partners", _("Partner organizations")
    STAFF = "staff", _("Staff and volunteers")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class QuestionKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement, 1 to 5")
    LIKELIHOOD = "likelihood", _("Likelihood, 0 to 10")
    YES_NO = "yes_no", _("Yes or no")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


SCALE_KINDS = (QuestionKind.AGREEMENT, QuestionKind.LIKELIHOOD)
CLOSED_KINDS = (QuestionKind.AGREEMENT, QuestionKind.LIKELIHOOD, QuestionKind.YES_NO)
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


class Domain(models.TextChoices):
    """The Full Frame Initiative's five domains of wellbeing."""

    CONNECTEDNESS = "connectedness", _("Social connectedness")
    SAFETY = "safety", _("Safety")
    STABILITY = "stability", _("Stability")
    MASTERY = "mastery", _("Mastery")
    ACCESS = "access", _("Meaningful access to relevant resources")


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Every three months")
    TWICE_A_YEAR = "twice_a_year", _("Twice a year")
    YEARLY = "yearly", _("Yearly")


MONTHS_BETWEEN: dict[str, int] = {
    Recurrence.MONTHLY: 1,
    Recurrence.QUARTERLY: 3,
    Recurrence.TWICE_A_YEAR: 6,
    Recurrence.YEARLY: 12,
}


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    # A scheduled slot that came and went while nothing was running: recorded
    # so that nothing is silently skipped, but nobody is sent an expired link.
    MISSED = "missed", _("Missed (scheduler was down)")


class SendState(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # The worker died between handing the message to the mail server and
    # recording it: nobody can know whether it went out. A manager decides.
    UNKNOWN = "unknown", _("Unknown: check before resending")


class LoopStatus(models.TextChoices):
    """Where a "you said, we did" item stands. Respondents see it once done."""

    PLANNED = "planned", _("Planned")
    DOING = "doing", _("Doing")
    DONE = "done", _("Done")


class ResponseChannel(models.TextChoices):
    INVITED = "invited", _("Private link")
    SHARED = "shared", _("Shared link or poster")
    PAPER = "paper", _("Paper, entered by staff")


class ReleaseState(models.TextChoices):
    # Closed with enough answers; program managers may withhold a free-text
    # answer that names someone before anyone else sees the unit.
    REVIEW = "review", _("In review")
    RELEASED = "released", _("Released")


# The answers of the closed kinds, as stored in Answer.number, with their labels.
AGREEMENT_SCALE: "list[tuple[int, _StrOrPromise]]" = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]
LIKELIHOOD_SCALE: "list[tuple[int, _StrOrPromise]]" = [
    (n, {0: _("0 — not at all likely"), 10: _("10 — extremely likely")}.get(n, str(n))) for n in range(11)
]
YES_NO: "list[tuple[int, _StrOrPromise]]" = [(1, _("Yes")), (0, _("No"))]
# A choice question's extra option; its choices are numbered from 0.
PREFER_NOT_TO_SAY = -1
