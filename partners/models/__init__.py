from .calendar_feed import FollowUpFeed
from .partner_side import DeletionRequest, DeliveryConfirmation, PortalAccess
from .records import Contact, Interaction, Organization, SupportDelivery, SupportRequest, Tag

__all__ = [
    "Contact",
    "DeletionRequest",
    "DeliveryConfirmation",
    "FollowUpFeed",
    "Interaction",
    "Organization",
    "PortalAccess",
    "SupportDelivery",
    "SupportRequest",
    "Tag",
]
