from .calendar_feed import FollowUpFeed
from .deleted_record import DeletedKind, DeletedRecord
from .imports import ImportBatch, ImportKind
from .partner_side import DeletionRequest, DeliveryConfirmation, PortalAccess
from .records import Contact, Interaction, Organization, SupportDelivery, SupportRequest, Tag

__all__ = [
    "Contact",
    "DeletedKind",
    "DeletedRecord",
    "DeletionRequest",
    "DeliveryConfirmation",
    "FollowUpFeed",
    "ImportBatch",
    "ImportKind",
    "Interaction",
    "Organization",
    "PortalAccess",
    "SupportDelivery",
    "SupportRequest",
    "Tag",
]
