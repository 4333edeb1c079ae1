"""Deleting a record entered by mistake, and undoing that for a while.

Deleting writes each row's "-" history record (django-simple-history) and a
DeletedRecord naming the rows that went with it and the links that were
cut. Undo saves the rows again from their last history record, in the order
their foreign keys need, and puts the links back: a partner's tags, the
people present at interactions, a deleted request's deliveries, who asked
or confirmed something, the partners an interaction was "also with".
Survey invitations have no history and are not
restored (the confirmation page says so). A partner's request to have its
record deleted is another path (services.delete_organization_record),
which keeps no history and cannot be undone. Files attached to the rows
that go are deleted for good (attached_files)."""

from collections.abc import Iterable
from typing import Any, cast

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.subqueries import count_of

from .models import (
    Contact,
    DeletedKind,
    DeletedRecord,
    DeletionRequest,
    DeliveryConfirmation,
    Interaction,
    Organization,
    PortalAccess,
    SupportDelivery,
    SupportRequest,
    Tag,
)

MODELS: dict[str, type[models.Model]] = {
    DeletedKind.ORGANIZATION: Organization,
    DeletedKind.CONTACT: Contact,
    DeletedKind.INTERACTION: Interaction,
    DeletedKind.REQUEST: SupportRequest,
    DeletedKind.DELIVERY: SupportDelivery,
}
# The order rows are restored in: each after the rows its foreign keys need.
RESTORE_ORDER: list[type[models.Model]] = [
    Organization,
    Contact,
    PortalAccess,
    Interaction,
    SupportRequest,
    SupportDelivery,
    DeliveryConfirmation,
]


class DeletionRefused(Exception):
    """Said to the person, as a 409: the record cannot be deleted this way."""


class UndoRefused(Exception):
    """Said to the person, as a 409: why the deletion cannot be undone now."""


def _ids(rows: models.QuerySet) -> list[int]:
    return list(rows.values_list("pk", flat=True))


def survey_invitations() -> models.QuerySet:
    """Contacts' survey invitations, through the relation (the surveys app
    sits above this one and is not imported)."""
    return Contact._meta.get_field("invitations").related_model._default_manager.all()  # type: ignore[union-attr]


def attached_files() -> models.QuerySet:
    """Files attached to partners, interactions and deliveries, through the
    relation (the attachments app sits above this one). They are deleted
    with their record and do not come back with Undo (the page says so)."""
    return Organization._meta.get_field("attachments").related_model._default_manager.all()  # type: ignore[union-attr]


def _key(model: type[models.Model]) -> str:
    return model._meta.model_name or ""


# --- what goes with a record (for the confirmation page) ---------------------


def what_goes_with(kind: str, obj: models.Model) -> dict[str, int]:
    """How many rows go with `obj`, or lose a link to it, in one query."""
    pk = obj.pk
    figures: dict[str, Any]
    if kind == DeletedKind.ORGANIZATION:
        figures = {
            "contacts": count_of(Contact.objects.all(), "organization"),
            "interactions": count_of(Interaction.objects.all(), "organization"),
            "requests": count_of(SupportRequest.objects.all(), "organization"),
            "deliveries": count_of(SupportDelivery.objects.all(), "organization"),
            "confirmations": count_of(DeliveryConfirmation.objects.all(), "delivery__organization"),
            "portal_accesses": count_of(PortalAccess.objects.all(), "contact__organization"),
            "invitations": count_of(survey_invitations(), "contact__organization"),
            "tags": count_of(Organization.tags.through.objects.all(), "organization"),
            "files": count_of(attached_files(), "organization")
            + count_of(attached_files(), "interaction__organization")
            + count_of(attached_files(), "delivery__organization"),
        }
    elif kind == DeletedKind.CONTACT:
        figures = {
            "present_at": count_of(Interaction.contacts.through.objects.all(), "contact"),
            "portal_accesses": count_of(PortalAccess.objects.all(), "contact"),
            "invitations": count_of(survey_invitations(), "contact"),
        }
    elif kind == DeletedKind.INTERACTION:
        figures = {
            "people_present": count_of(Interaction.contacts.through.objects.all(), "interaction"),
            "files": count_of(attached_files(), "interaction"),
        }
    elif kind == DeletedKind.REQUEST:
        figures = {"unrequested": count_of(SupportDelivery.objects.all(), "request")}
    else:
        figures = {
            "confirmations": count_of(DeliveryConfirmation.objects.all(), "delivery"),
            "files": count_of(attached_files(), "delivery"),
        }
    # Prefixed: "contacts" and the like are the reverse relations' names.
    named = {f"n_{name}": figure for name, figure in figures.items()}
    row = type(obj)._default_manager.filter(pk=pk).annotate(**named).values(*named).get()
    return {name.removeprefix("n_"): value for name, value in row.items()}


# --- deleting -----------------------------------------------------------------


def _people_present(interactions: Iterable[int] | None = None, contact: int | None = None) -> dict[str, list[int]]:
    """{interaction id: [contact ids]} of the people-present links that go."""
    through = Interaction.contacts.through.objects.all()
    if interactions is not None:
        through = through.filter(interaction__in=list(interactions))
    if contact is not None:
        through = through.filter(contact=contact)
    links: dict[str, list[int]] = {}
    for interaction_id, contact_id in through.values_list("interaction_id", "contact_id"):
        links.setdefault(str(interaction_id), []).append(contact_id)
    return links


def _joint_links(interactions: Iterable[int] | None = None, organization: int | None = None) -> dict[str, list[int]]:
    """{interaction id: [partner ids]} of the "also with" links that go:
    those of the interactions deleted, and those naming the partner deleted."""
    through = Interaction.also_with.through.objects.all()
    if interactions is not None and organization is not None:
        through = through.filter(models.Q(interaction__in=list(interactions)) | models.Q(organization=organization))
    elif interactions is not None:
        through = through.filter(interaction__in=list(interactions))
    links: dict[str, list[int]] = {}
    for interaction_id, organization_id in through.values_list("interaction_id", "organization_id"):
        links.setdefault(str(interaction_id), []).append(organization_id)
    return links


def _children_of(kind: str, obj: Any) -> dict[str, Any]:
    if kind == DeletedKind.ORGANIZATION:
        if DeletionRequest.objects.filter(organization=obj).exists():
            raise DeletionRefused(
                _("This partner asked in the portal for its record to be deleted: carry out its request instead.")
            )
        interactions = _ids(obj.interactions.all())
        contacts = _ids(obj.contacts.all())
        deliveries = _ids(obj.deliveries.all())
        return {
            "contact": contacts,
            "portalaccess": _ids(PortalAccess.objects.filter(contact__in=contacts)),
            "interaction": interactions,
            "supportrequest": _ids(obj.requests.all()),
            "supportdelivery": deliveries,
            "deliveryconfirmation": _ids(DeliveryConfirmation.objects.filter(delivery__in=deliveries)),
            "tags": _ids(obj.tags.all()),
            "present": _people_present(interactions=interactions),
            "joint": _joint_links(interactions=interactions, organization=obj.pk),
        }
    if kind == DeletedKind.CONTACT:
        return {
            "portalaccess": _ids(PortalAccess.objects.filter(contact=obj)),
            "present": _people_present(contact=obj.pk),
            "submitted_by": _ids(SupportRequest.objects.filter(submitted_by=obj)),
            "said_by": _ids(DeliveryConfirmation.objects.filter(contact=obj)),
            "asked_by": _ids(DeletionRequest.objects.filter(asked_by=obj)),
        }
    if kind == DeletedKind.INTERACTION:
        return {"present": _people_present(interactions=[obj.pk]), "joint": _joint_links(interactions=[obj.pk])}
    if kind == DeletedKind.REQUEST:
        return {"unrequested": _ids(obj.deliveries.all())}
    return {"deliveryconfirmation": _ids(DeliveryConfirmation.objects.filter(delivery=obj))}


@transaction.atomic
def delete_mistake(kind: str, obj: Any, user) -> DeletedRecord:
    """Deletes `obj` and what goes with it, each row leaving its "-" history
    record (the history user comes from the request, through
    simple_history's middleware). A request's deliveries stay, unrequested:
    what was given was given. Raises DeletionRefused for a partner that
    asked to be deleted."""
    children = _children_of(kind, obj)
    if kind == DeletedKind.ORGANIZATION:
        # The partner's rows PROTECT it: its children go first, deliveries
        # before the requests they answer.
        obj.deliveries.all().delete()
        obj.requests.all().delete()
        obj.interactions.all().delete()
        obj.contacts.all().delete()
    elif kind == DeletedKind.REQUEST:
        for delivery in obj.deliveries.all():
            delivery.request = None
            delivery.save(update_fields=["request"])
    deleted = DeletedRecord.objects.create(kind=kind, object_id=obj.pk, children=children, deleted_by=user)
    obj.delete()
    return deleted


# --- undoing ------------------------------------------------------------------


def _last_records(model: type[models.Model], ids: list[int]) -> list[Any]:
    """Each row's latest history record, which must be its deletion."""
    latest: dict[int, Any] = {}
    history = model.history.filter(id__in=ids).order_by("id", "-history_date", "-history_id")  # type: ignore[attr-defined]
    for record in history:
        latest.setdefault(record.id, record)
    if set(latest) != set(ids) or any(record.history_type != "-" for record in latest.values()):
        raise UndoRefused(_("Its history is no longer complete, so it cannot be put back."))
    return [latest[pk] for pk in ids]


def _unlink_missing(model: type[models.Model], rows: list[Any], restoring: dict[type, set[int]]) -> None:
    """A row's foreign keys must point at rows that exist, or are being
    restored with it. A nullable link to a row gone since is emptied (a
    delivery whose request was deleted becomes unrequested); a required one
    refuses the undo."""
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        target = cast(type[models.Model], field.related_model)
        wanted = {getattr(row, field.attname) for row in rows} - {None}
        if not wanted:
            continue
        there = set(target._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
        there |= restoring.get(target, set())
        for row in rows:
            if getattr(row, field.attname) is not None and getattr(row, field.attname) not in there:
                if not field.null:
                    raise UndoRefused(
                        _("The %(what)s it belonged to has been deleted since.") % {"what": target._meta.verbose_name}
                    )
                setattr(row, field.attname, None)


def _restore(model: type[models.Model], ids: list[int], restoring: dict[type, set[int]]) -> None:
    if not ids:
        return
    if model._default_manager.filter(pk__in=ids).exists():
        raise UndoRefused(_("It has been put back already."))
    rows = [record.instance for record in _last_records(model, ids)]
    _unlink_missing(model, rows, restoring)
    stamps = [
        f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for row in rows:
        originals = {f.attname: getattr(row, f.attname) for f in stamps}
        row.save(force_insert=True)
        if originals:
            # Saving stamps the dates with now; the row keeps its own.
            model._default_manager.filter(pk=row.pk).update(**originals)
            model.history.filter(id=row.pk, history_type="+").update(**originals)  # type: ignore[attr-defined]


def _relink(children: dict[str, Any]) -> None:
    """Puts back the links the deletion cut (see _children_of); the restored
    record itself is children["object_id"]."""
    restored_id = children["object_id"]
    for interaction_id, contact_ids in children.get("present", {}).items():
        interaction = Interaction.objects.filter(pk=int(interaction_id)).first()
        present = _ids(Contact.objects.filter(pk__in=contact_ids))
        if interaction is not None and present:
            interaction.contacts.add(*present)
    for interaction_id, partner_ids in children.get("joint", {}).items():
        interaction = Interaction.objects.filter(pk=int(interaction_id)).first()
        partners = _ids(Organization.objects.filter(pk__in=partner_ids))
        if interaction is not None and partners:
            interaction.also_with.add(*partners)
    for delivery in SupportDelivery.objects.filter(pk__in=children.get("unrequested", [])):
        delivery.request_id = restored_id
        delivery.save(update_fields=["request"])
    if children.get("kind") == DeletedKind.CONTACT:
        SupportRequest.objects.filter(pk__in=children.get("submitted_by", [])).update(submitted_by=restored_id)
        DeliveryConfirmation.objects.filter(pk__in=children.get("said_by", [])).update(contact=restored_id)
        DeletionRequest.objects.filter(pk__in=children.get("asked_by", [])).update(asked_by=restored_id)


def undo_deletion(deleted: DeletedRecord, user) -> models.Model:
    """Puts back what `deleted` took away, in one transaction; returns the
    restored record. Raises UndoRefused when the time is up, it was undone
    already, or something in the way (a partner of the same name added
    since, its partner deleted since)."""
    if deleted.undone_at is not None:
        raise UndoRefused(_("It has been put back already."))
    if not deleted.can_be_undone:
        raise UndoRefused(_("The time to undo it has passed."))
    model = MODELS[deleted.kind]
    children = dict(deleted.children, object_id=deleted.object_id, kind=deleted.kind)
    to_restore = {m: list(children.get(_key(m), [])) for m in RESTORE_ORDER}
    to_restore[model] = [deleted.object_id, *to_restore[model]]
    restoring = {m: set(ids) for m, ids in to_restore.items()}
    try:
        with transaction.atomic():
            for m in RESTORE_ORDER:
                _restore(m, to_restore[m], restoring)
            _relink(children)
            restored = model._default_manager.get(pk=deleted.object_id)
            if deleted.kind == DeletedKind.ORGANIZATION and children.get("tags"):
                restored.tags.add(*Tag.objects.filter(pk__in=children["tags"]))  # type: ignore[attr-defined]
            deleted.undone_at, deleted.undone_by = timezone.now(), user
            deleted.save(update_fields=["undone_at", "undone_by"])
    except IntegrityError as error:
        raise UndoRefused(
            _("Something with the same name has been added since. Rename or remove it, then undo again.")
        ) from error
    return restored
