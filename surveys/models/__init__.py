from .language import AgencyTerm, DismissedFlag
from .recipients import Recipient, RecipientGroup
from .releases import Release, ReleaseCount, ReleasedRound
from .responses import Answer, Response, ResponseAuthor, SpentLink
from .rounds import Card, Invitation, InvitationToken, Round, Schedule
from .surveys import Question, Survey, YouSaidWeDid

__all__ = [
    "AgencyTerm",
    "Answer",
    "Card",
    "DismissedFlag",
    "Invitation",
    "InvitationToken",
    "Question",
    "Recipient",
    "RecipientGroup",
    "Release",
    "ReleaseCount",
    "ReleasedRound",
    "Response",
    "ResponseAuthor",
    "Round",
    "Schedule",
    "SpentLink",
    "Survey",
    "YouSaidWeDid",
]
