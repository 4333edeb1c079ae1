"""Taking an import back: rows it updated return to their history record
from just before it, rows it created are deleted. All or nothing, and only
while nobody has changed an updated row since (their change would be lost
without a word) and nothing has been added under a created partner."""

from django.db import transaction
from django.db.models import Max
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportBatch
from .reading import ImportRefused
from .resources import RESOURCES


@transaction.atomic
def undo(batch: ImportBatch) -> None:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.undone_at is not None:
        raise ImportRefused(_("This import has already been undone."))
    model = RESOURCES[batch.kind]._meta.model
    updated = {record[0]: record for record in batch.updated}
    latest = dict(
        model.history.filter(id__in=list(updated))
        .values("id")
        .annotate(last=Max("history_id"))
        .values_list("id", "last")
    )
    changed = [pk for pk, record in updated.items() if latest.get(pk) != record[2]]
    if changed:
        raise ImportRefused(
            _("%(count)s of the rows this import updated have been changed since. Change them back by hand.")
            % {"count": len(changed)}
        )
    before = model.history.in_bulk([record[1] for record in updated.values() if record[1]], field_name="history_id")
    for record in updated.values():
        historical = before.get(record[1])
        if historical is None:
            continue
        instance = historical.instance
        instance._change_reason = "Import undone"
        instance.save()
        if len(record) > 3 and record[3] is not None:
            instance.tags.set(record[3])
    try:
        model.objects.filter(pk__in=batch.created_ids).delete()
    except ProtectedError:
        raise ImportRefused(
            _(
                "Some of the rows this import created now have other records "
                "(contacts, interactions). Nothing was undone."
            )
        ) from None
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_at"])
