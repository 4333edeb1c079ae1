"""Choice lists shared by the partners models, forms and filters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    SEX_WORKER_LED = "sex_worker_led", _("Sex-worker-led safety organization")
    MUTUAL_AID = "mutual_aid", _("Mutual aid")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    # Named for what it means to the partner, who reads it in the portal:
    # "identified" sounded like being watched (docs/privacy.md).
    IDENTIFIED = "identified", _("Not yet in touch")
    FIRST_CONTACT = "first_contact", _("First contact")
    BUILDING_TRUST = "building_trust", _("Building trust")
    COLLABORATING = "collaborating", _("Collaborating")
    FORMAL_PARTNERSHIP = "formal_partnership", _("Formal partnership")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


# Stages with no keep-in-touch clock: not yet in a relationship, or no longer.
NO_CLOCK_STAGES = (Stage.IDENTIFIED, Stage.PAUSED, Stage.ENDED)


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    SECURE_MESSENGER = "secure_messenger", _("Secure messenger")
    IN_PERSON = "in_person", _("In person only")
    THROUGH_ORGANIZATION = "through_organization", _("Through their organization")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class InteractionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    MESSAGE = "message", _("Message")
    VISIT = "visit", _("Visit")
    EVENT = "event", _("Event")
    REFERRAL = "referral", _("Referral")


# Interactions in which someone was actually in touch with the partner: only
# these reset its keep-in-touch clock (last contact). A referral we made for
# them may involve nobody from the partner at all.
IN_TOUCH_KINDS = (
    InteractionKind.MEETING,
    InteractionKind.CALL,
    InteractionKind.MESSAGE,
    InteractionKind.VISIT,
    InteractionKind.EVENT,
)


class SupportCategory(models.TextChoices):
    MEETING_SPACE = "meeting_space", _("Meeting space")
    EMERGENCY_FUNDS = "emergency_funds", _("Emergency funds")
    SUPPLIES = "supplies", _("Supplies")
    TRAINING = "training", _("Training")
    REFERRALS = "referrals", _("Referrals")
    ADVOCACY = "advocacy", _("Advocacy")
    INTRODUCTIONS = "introductions", _("Introductions")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    FULFILLED = "fulfilled", _("Fulfilled")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Requests where something is still owed to the partner.
OUTSTANDING_STATUSES = (
    RequestStatus.OPEN,
    RequestStatus.ACKNOWLEDGED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.PARTLY_FULFILLED,
)
# Requests that are settled one way or the other: nothing more is owed.
CLOSED_STATUSES = tuple(status for status in RequestStatus if status not in OUTSTANDING_STATUSES)


class Initiator(models.TextChoices):
    PARTNER = "partner", _("The partner asked")
    US = "us", _("We offered")


class Received(models.TextChoices):
    """A partner's word on a delivery (portal)."""

    RECEIVED = "received", _("Received")
    PARTLY = "partly", _("Partly received")
    NOT_RECEIVED = "not_received", _("Not received")


class Helped(models.TextChoices):
    YES = "yes", _("Yes")
    SOMEWHAT = "somewhat", _("Somewhat")
    NO = "no", _("No")
