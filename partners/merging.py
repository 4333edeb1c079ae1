"""Merging two records of the same partner (or the same person): everything
of the one that goes moves to the one that stays, then the one that goes is
deleted. The kept record keeps its own fields; its blanks are filled from
the other. Two privacy wishes always win, whichever record held them: "do
not name us publicly" and a contact's opt-out. Every moved row is saved
with its history; a merge is not undoable (the page says so), but the
history of both records keeps what each said."""

from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils.translation import gettext as _

from core.subqueries import count_of

from .mistakes import attached_files, survey_invitations
from .models import (
    Contact,
    DeletionRequest,
    DeliveryConfirmation,
    Interaction,
    Organization,
    PortalAccess,
    SupportDelivery,
    SupportRequest,
    Tag,
)

# The fields a merge fills in on the kept record when it has them blank.
ORGANIZATION_BLANKS = ["service_area", "description", "contact_preferences", "relationship_lead"]
CONTACT_BLANKS = ["role", "email", "phone", "preferred_channel"]


class MergeRefused(Exception):
    """Said to the person, as a 409."""


@dataclass
class MergePlan:
    """What a merge will do, for its confirmation page."""

    moves: dict[str, int]
    filled: list[str]  # labels of the kept record's blank fields the other fills
    same_name: list[str] = field(default_factory=list)  # contacts merged into the kept partner's namesake
    tags: list[str] = field(default_factory=list)  # tags the kept partner gets
    notes: list[str] = field(default_factory=list)


def _blanks_filled(kept: models.Model, removed: models.Model, names: list[str]) -> list[str]:
    filled = []
    for name in names:
        model_field = kept._meta.get_field(name)
        attname = model_field.attname  # type: ignore[union-attr]
        if getattr(kept, attname) in ("", None) and getattr(removed, attname) not in ("", None):
            filled.append(str(model_field.verbose_name))  # type: ignore[union-attr]
    return filled


def _fill_blanks(kept: models.Model, removed: models.Model, names: list[str]) -> None:
    for name in names:
        attname = kept._meta.get_field(name).attname  # type: ignore[union-attr]
        if getattr(kept, attname) in ("", None):
            setattr(kept, attname, getattr(removed, attname))


def _same_name_pairs(kept: Organization, removed: Organization) -> list[tuple[Contact, Contact]]:
    """Contacts of both partners with the same name or alias: the unique
    (partner, name) rule would not let both be the kept partner's, and the
    same name at the same partner is taken to be the same person."""
    theirs = {c.name_or_alias: c for c in removed.contacts.all()}
    return [(mine, theirs[mine.name_or_alias]) for mine in kept.contacts.filter(name_or_alias__in=list(theirs))]


def partner_merge_plan(kept: Organization, removed: Organization) -> MergePlan:
    """In a fixed number of queries, however many rows move."""
    figures = {
        "n_contacts": count_of(Contact.objects.all(), "organization"),
        "n_interactions": count_of(Interaction.objects.all(), "organization"),
        "n_requests": count_of(SupportRequest.objects.all(), "organization"),
        "n_deliveries": count_of(SupportDelivery.objects.all(), "organization"),
        "n_confirmations": count_of(DeliveryConfirmation.objects.all(), "delivery__organization"),
        "n_portal_accesses": count_of(PortalAccess.objects.all(), "contact__organization"),
        "n_files": count_of(attached_files(), "organization"),
    }
    row = Organization.objects.filter(pk=removed.pk).annotate(**figures).values(*figures).get()
    plan = MergePlan(
        moves={name.removeprefix("n_"): value for name, value in row.items()},
        filled=_blanks_filled(kept, removed, ORGANIZATION_BLANKS),
        same_name=list(
            removed.contacts.filter(
                name_or_alias__in=Contact.objects.filter(organization=kept).values("name_or_alias")
            ).values_list("name_or_alias", flat=True)
        ),
        tags=list(Tag.objects.filter(organizations=removed).exclude(organizations=kept).values_list("name", flat=True)),
    )
    if removed.do_not_name_publicly and not kept.do_not_name_publicly:
        plan.notes.append(
            _("%(name)s asked not to be named publicly; the kept partner will not be either.") % {"name": removed}
        )
    return plan


def contact_merge_plan(kept: Contact, removed: Contact) -> MergePlan:
    figures = {
        "n_present_at": count_of(Interaction.contacts.through.objects.all(), "contact"),
        "n_invitations": count_of(survey_invitations(), "contact"),
        "n_portal_accesses": count_of(PortalAccess.objects.all(), "contact"),
    }
    row = Contact.objects.filter(pk=removed.pk).annotate(**figures).values(*figures).get()
    plan = MergePlan(
        moves={name.removeprefix("n_"): value for name, value in row.items()},
        filled=_blanks_filled(kept, removed, CONTACT_BLANKS),
    )
    if removed.opted_out and not kept.opted_out:
        plan.notes.append(
            _("%(name)s opted out of all messages; the kept contact will be opted out too.") % {"name": removed}
        )
    if row["n_portal_accesses"] and PortalAccess.objects.filter(contact=kept).exists():
        plan.notes.append(_("Both can use the portal: the kept contact's access stays, the other's ends."))
    return plan


def _refuse_if_unmergeable(kept: models.Model, removed: models.Model) -> None:
    if kept.pk == removed.pk:
        raise MergeRefused(_("A record cannot be merged with itself."))


@transaction.atomic
def merge_contacts(kept: Contact, removed: Contact) -> Contact:
    """Moves `removed`'s presence at interactions, survey invitations (one
    per round: where both were invited, the kept one's invitation stays),
    portal access (the kept one's, if both have it) and what they said or
    asked in the portal to `kept`, fills `kept`'s blanks, then deletes
    `removed`. Works across partners (a partner merge uses it for namesakes)."""
    _refuse_if_unmergeable(kept, removed)
    for interaction in removed.interactions.all():
        interaction.contacts.add(kept)
        interaction.contacts.remove(removed)
    removed.invitations.exclude(round__in=kept.invitations.values("round")).update(contact=kept)
    SupportRequest.objects.filter(submitted_by=removed).update(submitted_by=kept)
    DeliveryConfirmation.objects.filter(contact=removed).update(contact=kept)
    DeletionRequest.objects.filter(asked_by=removed).update(asked_by=kept)
    access = PortalAccess.objects.filter(contact=removed).first()
    if access is not None and not PortalAccess.objects.filter(contact=kept).exists():
        access.contact = kept
        access.save(update_fields=["contact"])
    _fill_blanks(kept, removed, CONTACT_BLANKS)
    kept.opted_out = kept.opted_out or removed.opted_out
    kept.save()
    removed.delete()
    return kept


@transaction.atomic
def merge_partners(kept: Organization, removed: Organization) -> Organization:
    """Moves every contact, interaction, request and delivery (with the
    partner's confirmations and portal access, which belong to them), the
    files attached to it and the tags of `removed` to `kept`, fills `kept`'s blanks, then deletes
    `removed`. Contacts of the same name are merged (merge_contacts)."""
    _refuse_if_unmergeable(kept, removed)
    if DeletionRequest.objects.filter(organization=removed).exists():
        raise MergeRefused(
            _("%(name)s asked in the portal for its record to be deleted: carry out its request instead.")
            % {"name": removed}
        )
    for mine, theirs in _same_name_pairs(kept, removed):
        merge_contacts(mine, theirs)
    for related in (removed.contacts, removed.interactions, removed.requests, removed.deliveries):
        for row in related.all():
            row.organization = kept
            row.save(update_fields=["organization"])
    kept.tags.add(*removed.tags.all())
    attached_files().filter(organization=removed).update(organization=kept)
    # Meetings it was "also with": now with the kept partner, unless logged under it.
    for interaction in removed.joint_interactions.exclude(organization=kept):
        interaction.also_with.add(kept)
    for interaction in kept.joint_interactions.filter(organization=kept):
        interaction.also_with.remove(kept)  # moved under it above
    _fill_blanks(kept, removed, ORGANIZATION_BLANKS)
    kept.do_not_name_publicly = kept.do_not_name_publicly or removed.do_not_name_publicly
    kept.save()
    removed.delete()
    return kept
