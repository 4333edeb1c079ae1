from .recipients import Recipient
from .responses import Answer, Response, ResponseAuthor
from .rounds import Invitation, InvitationToken, Round, Schedule
from .summaries import RoundCount, RoundSummary
from .surveys import Question, Survey, YouSaidWeDid

__all__ = [
    "Answer",
    "Invitation",
    "InvitationToken",
    "Question",
    "Recipient",
    "Response",
    "ResponseAuthor",
    "Round",
    "RoundCount",
    "RoundSummary",
    "Schedule",
    "Survey",
    "YouSaidWeDid",
]
