"""A partner's last contact day (Organization.last_contact_on), kept as
interactions are saved, moved, deleted and linked "also with", so that the
keep-in-touch clock on lists, the partner page, the dashboard and the
digests reads a column instead of two correlated subqueries that the SQL
repeated for every figure built on them (last contact, days since, the
clock, overdue: eight index probes per partner).

Last contact is the latest interaction in which someone was in touch
(choices.IN_TOUCH_KINDS: not a referral), logged with the partner or with
another partner and the partner "also with" it.

Kept by signals, so that every way an interaction changes keeps it: the
forms, the admin, merging, delete and undo, demo data. A bulk_create or a
queryset update() of interactions sends none: its caller refreshes
(bench/dataset). Organization.save() never writes the column back from an
instance read before an interaction changed (models.records)."""

from collections.abc import Collection
from datetime import date

from django.db.models import DateField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .choices import IN_TOUCH_KINDS
from .denormalized import touches, value_before
from .models import Interaction, Organization

# An interaction saved with only other fields named leaves last contacts as they are.
_MATTERS = {"organization", "organization_id", "kind", "happened_on"}


def latest_contact() -> NullIf:
    """Each partner's last contact day (OuterRef("pk"): the partner), or
    None: the later of the latest in-touch interaction logged with it and
    the latest it was "also with", each read from the first entries of an
    index on (partner, day)."""
    in_touch = Interaction.objects.filter(kind__in=IN_TOUCH_KINDS)

    def latest(**partner) -> Subquery:
        rows = in_touch.filter(**partner).order_by("-happened_on").values("happened_on")[:1]
        return Subquery(rows, output_field=DateField())

    # SQLite's MAX() of two values is NULL when either is: compare with a day before any.
    never = Value(date.min, output_field=DateField())
    here, joint = latest(organization=OuterRef("pk")), latest(also_with=OuterRef("pk"))
    return NullIf(Greatest(Coalesce(here, never), Coalesce(joint, never)), never)


def refresh_last_contact(organization_ids: Collection[int] | QuerySet, interaction_id: int | None = None) -> None:
    """Sets last_contact_on of these partners (ids, or a query of their
    ids), and of the partners an interaction (`interaction_id`) is "also
    with", from their interactions. One query."""
    partners = Q(pk__in=organization_ids)
    if interaction_id is not None:
        partners |= Q(joint_interactions=interaction_id)
    Organization.objects.filter(partners).update(last_contact_on=latest_contact())


def _remember_partner(sender, instance: Interaction, update_fields=None, **kwargs) -> None:
    """The partner the interaction was logged with before this save, which may lose it."""
    before = value_before(instance, "organization_id") if touches(update_fields, _MATTERS) else None
    instance._organization_before = before  # type: ignore[attr-defined]


def _interaction_saved(sender, instance: Interaction, created: bool = False, update_fields=None, **kwargs) -> None:
    if not touches(update_fields, _MATTERS):
        return
    before = getattr(instance, "_organization_before", None)
    changed = {instance.organization_id} | ({before} if before is not None else set())
    # A new interaction has no "also with" links yet: they come after, through m2m_changed.
    refresh_last_contact(changed, interaction_id=None if created else instance.pk)


def _remember_partners(sender, instance: Interaction, **kwargs) -> None:
    """Every partner of an interaction about to be deleted (its "also with"
    links are deleted with it, before post_delete)."""
    joint = set(
        Interaction.also_with.through.objects.filter(interaction=instance.pk).values_list("organization_id", flat=True)
    )
    instance._partners_before = joint | {instance.organization_id}  # type: ignore[attr-defined]


def _interaction_deleted(sender, instance: Interaction, **kwargs) -> None:
    refresh_last_contact(getattr(instance, "_partners_before", {instance.organization_id}))


def _links_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    """An "also with" link added or removed, from either side: from an
    interaction (pk_set: partners) or from a partner (pk_set: interactions)."""
    if action == "pre_clear" and not reverse:
        instance._partners_cleared = set(instance.also_with.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        refresh_last_contact([instance.pk])
    elif action == "post_clear":
        refresh_last_contact(getattr(instance, "_partners_cleared", set()))
    else:
        refresh_last_contact(pk_set or set())


def connect() -> None:
    uid = "partners.last_contact."
    pre_save.connect(_remember_partner, sender=Interaction, dispatch_uid=uid + "before")
    post_save.connect(_interaction_saved, sender=Interaction, dispatch_uid=uid + "saved")
    pre_delete.connect(_remember_partners, sender=Interaction, dispatch_uid=uid + "deleting")
    post_delete.connect(_interaction_deleted, sender=Interaction, dispatch_uid=uid + "deleted")
    m2m_changed.connect(_links_changed, sender=Interaction.also_with.through, dispatch_uid=uid + "links")
