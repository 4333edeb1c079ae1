"""Changes a partner made itself, in the portal: how they are marked in
the history (django-simple-history's change reason), and the day's list a
relationship lead reads in their daily digest. The portal marks every
change with said_by(); nothing else writes that mark."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Contact, DeletionRequest, DeliveryConfirmation, Organization, SupportRequest

PORTAL_CHANGE = "portal: "


def change_reason(contact: Contact) -> str:
    """How a change made in the portal is marked in the history."""
    return f"{PORTAL_CHANGE}{contact.name_or_alias} (contact #{contact.pk})"


def said_by(row, contact: Contact):
    """Marks `row`'s next saved (or deleted) history record as a change
    the partner made in the portal."""
    setattr(row, "_change_reason", change_reason(contact))  # noqa: B010 - simple-history's attribute, not declared
    return row


def portal_contact_name(reason: str) -> str:
    """The contact's name from a change reason ("portal: Rosa (contact #7)")."""
    return reason.removeprefix(PORTAL_CHANGE).rsplit(" (contact #", 1)[0]


def _name(contact: Contact | None) -> str:
    return contact.name_or_alias if contact is not None else "—"


@dataclass(frozen=True)
class PortalChange:
    organization_id: int
    who: str
    what: str
    when: datetime.datetime


CONTACT_CHANGES = {
    "+": lambda name: _("added a contact: %(name)s") % {"name": name},
    "~": lambda name: _("updated the details of %(name)s") % {"name": name},
    "-": lambda name: _("removed the contact %(name)s") % {"name": name},
}


def _history_changes(ids: list[int], start, end) -> list[PortalChange]:
    """The partners' portal-marked history rows in [start, end). Three queries."""

    def marked(history: QuerySet) -> QuerySet:
        return history.filter(
            history_change_reason__startswith=PORTAL_CHANGE, history_date__gte=start, history_date__lt=end
        )

    changes = [
        PortalChange(
            row.id,
            portal_contact_name(row.history_change_reason),
            _("changed how to reach them safely, or whether to name them in public"),
            row.history_date,
        )
        for row in marked(Organization.history.filter(id__in=ids))
    ]
    contact_rows = list(marked(Contact.history.filter(organization_id__in=ids)))
    # A contact removed that day is only "removed", whatever was saved on the way.
    removed = {row.id for row in contact_rows if row.history_type == "-"}
    changes += [
        PortalChange(
            row.organization_id,
            portal_contact_name(row.history_change_reason),
            CONTACT_CHANGES[row.history_type](row.name_or_alias),
            row.history_date,
        )
        for row in contact_rows
        if row.history_type == "-" or row.id not in removed
    ]
    changes += [
        PortalChange(
            row.organization_id,
            portal_contact_name(row.history_change_reason),
            _("asked for support: %(category)s") % {"category": row.get_category_display()},
            row.history_date,
        )
        for row in marked(SupportRequest.history.filter(organization_id__in=ids, history_type="+"))
    ]
    return changes


def _said_changes(ids: list[int], start, end) -> list[PortalChange]:
    """What the partners said of deliveries, and their deletion requests,
    in [start, end). Two queries."""
    confirmations = DeliveryConfirmation.objects.filter(
        delivery__organization_id__in=ids, confirmed_at__gte=start, confirmed_at__lt=end
    ).select_related("delivery", "contact")
    changes = [
        PortalChange(
            said.delivery.organization_id,
            _name(said.contact),
            _("said of a delivery (%(delivery)s): %(received)s")
            % {"delivery": said.delivery.description[:80], "received": said.get_received_display()},
            said.confirmed_at,
        )
        for said in confirmations
    ]
    deletions = DeletionRequest.objects.filter(
        organization_id__in=ids, asked_at__gte=start, asked_at__lt=end
    ).select_related("asked_by")
    changes += [
        PortalChange(
            asked.organization_id, _name(asked.asked_by), _("asked for their record to be deleted"), asked.asked_at
        )
        for asked in deletions
    ]
    return changes


def changes_for_lead(user, day: datetime.date) -> list[dict]:
    """What the partners `user` leads changed in the portal on the day
    before `day` (the digest of `day` reports yesterday), by partner then
    time: {"organization", "url", "who", "what", "when"}. Six queries;
    names only, never a contact's address or phone."""
    names = dict(Organization.objects.filter(relationship_lead=user).values_list("pk", "name"))
    if not names:
        return []
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    start = end - datetime.timedelta(days=1)
    changes = _history_changes(list(names), start, end) + _said_changes(list(names), start, end)
    rows = [
        {
            "organization": names[change.organization_id],
            "url": reverse("partners:organization_detail", args=[change.organization_id]),
            "who": change.who,
            "what": change.what,
            "when": change.when,
        }
        for change in changes
    ]
    return sorted(rows, key=lambda row: (row["organization"], row["when"]))
