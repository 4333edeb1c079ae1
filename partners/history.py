"""What a page's History section shows, and what it never shows.

The rows come from django-simple-history; each change is told as the
difference from the same row's previous record ("Relationship stage:
Building trust → Collaborating"), who made it (a staff user, or a partner
in the portal) and when. The latest HISTORY_LIMIT changes only, read with
a fixed number of queries however long the history is.

Secret fields (SECRET_FIELDS) never show a value, old or new, to anyone:
at most "changed". A user who may not read a secret field elsewhere does
not even get that: the column is not fetched, so never decrypted, for
them, and the field is left out of the comparison. The values are
encrypted with a random IV, so the ciphertexts differ on every save and
cannot tell a change without decrypting.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import DeletedObject
from simple_history.utils import get_m2m_reverse_field_name

from .models import Contact, Interaction, Organization, SupportRequest
from .portal_changes import PORTAL_CHANGE, portal_contact_name

HISTORY_LIMIT = 30

# field -> the permission a user needs for the field to be compared at all:
# the one that lets them read it elsewhere (the interaction page, the
# contact's own form). Even then only "changed" is shown.
SECRET_FIELDS: dict[type[models.Model], dict[str, str]] = {
    Interaction: {"confidential_notes": "partners.view_confidential_notes"},
    Contact: {"email": "partners.change_contact", "phone": "partners.change_contact"},
}

ACTIONS = {"+": gettext_lazy("Added"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Removed")}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str = ""
    new: str = ""
    # A secret field: the change is told, its values never are.
    secret: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str  # simple-history's history_type: "+", "~" or "-"
    # What changed when it is not the page's own row ("Contact Rosa"), else "".
    subject: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    # Orders entries of different models changed at the same moment.
    history_id: int = 0

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action])


def organization_history(organization: Organization, user) -> list[HistoryEntry]:
    """The partner's own changes and those of its contacts (removed ones
    too), newest first. Three queries."""
    entries = _entries(Organization, user, id=organization.pk)
    entries += _entries(
        Contact,
        user,
        subject=lambda row: _("Contact %(name)s") % {"name": row.name_or_alias},
        organization_id=organization.pk,
    )
    return _newest_first(entries)


def interaction_history(interaction: Interaction, user) -> list[HistoryEntry]:
    """Two queries."""
    return _newest_first(_entries(Interaction, user, id=interaction.pk))


def request_history(support_request: SupportRequest, user) -> list[HistoryEntry]:
    """One query."""
    return _newest_first(_entries(SupportRequest, user, id=support_request.pk))


def _newest_first(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(entries, key=lambda entry: (entry.when, entry.history_id), reverse=True)[:HISTORY_LIMIT]


def _entries(model: type[models.Model], user, subject=None, **scope) -> list[HistoryEntry]:
    """The latest HISTORY_LIMIT changes of `model`'s rows in `scope`, each
    told against its row's previous record. One query, and one more per
    many-to-many field."""
    historical = model.history.model  # type: ignore[attr-defined]
    hidden = [name for name, perm in SECRET_FIELDS.get(model, {}).items() if not user.has_perm(perm)]
    m2m_fields = list(historical._history_m2m_fields)
    compared = [
        f
        for f in historical.tracked_fields
        if f.editable and f.name not in hidden and f.name not in {m2m.name for m2m in m2m_fields}
    ]
    foreign_keys = [f.name for f in compared if isinstance(f, models.ForeignKey)]

    # The latest records, and the record before each (in the same query),
    # which may be older than all the latest ones.
    latest = historical.objects.filter(**scope).order_by("-history_date", "-history_id").values("history_id")
    latest = latest[:HISTORY_LIMIT]
    previous_id = Subquery(
        historical.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    previous = historical.objects.filter(history_id__in=latest).annotate(previous_id=previous_id)
    rows = list(
        historical.objects.filter(Q(history_id__in=latest) | Q(history_id__in=previous.values("previous_id")))
        .select_related("history_user", *foreign_keys)
        .defer(*hidden)
        .prefetch_related(*[_m2m_prefetch(historical, m2m) for m2m in m2m_fields])
    )

    before = _previous_records(rows)
    newest = sorted(rows, key=lambda row: (row.history_date, row.history_id), reverse=True)[:HISTORY_LIMIT]
    entries = []
    for row in newest:
        changes = _changes(row, before.get(row.history_id), compared, m2m_fields, model)
        if row.history_type == "~" and not changes:
            continue  # nothing this user may see changed (or a save that changed nothing)
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=_who(row),
                action=row.history_type,
                subject=subject(row) if subject else "",
                changes=changes,
                history_id=row.history_id,
            )
        )
    return entries


def _m2m_prefetch(historical: type[models.Model], m2m: models.ManyToManyField) -> Prefetch:
    """The related rows each record saw, with what they point to (names
    only: a contact's email and phone are never fetched)."""
    # simple-history puts the m2m's own history model behind a descriptor of that name.
    m2m_history = getattr(historical, m2m.name).model
    accessor = m2m_history._meta.get_field("history").remote_field.get_accessor_name()
    target = get_m2m_reverse_field_name(m2m)
    related = m2m.related_model  # a model class once the app registry is ready, never "self" here
    secret = [f"{target}__{name}" for name in SECRET_FIELDS.get(related, {})] if isinstance(related, type) else []
    return Prefetch(
        accessor, queryset=m2m_history.objects.select_related(target).defer(*secret), to_attr=f"m2m_rows_{m2m.name}"
    )


def _previous_records(rows: list) -> dict[int, Any]:
    """history_id -> the same row's record just before it, among `rows`."""
    before: dict[int, Any] = {}
    last_of_row: dict[Any, Any] = {}
    for row in sorted(rows, key=lambda row: row.history_id):
        if row.id in last_of_row:
            before[row.history_id] = last_of_row[row.id]
        last_of_row[row.id] = row
    return before


def _changes(row, old, compared, m2m_fields, model) -> list[FieldChange]:
    if row.history_type != "~" or old is None:
        return []  # "Added", "Removed", or the first record kept: no earlier state to compare
    secret = SECRET_FIELDS.get(model, {})
    delta = row.diff_against(old, included_fields=[f.name for f in compared], foreign_keys_are_objs=True)
    labels = {f.name: f for f in compared}
    changes = []
    for change in delta.changes:
        model_field = labels[change.field]
        label = capfirst(str(model_field.verbose_name))
        if change.field in secret:
            changes.append(FieldChange(label, secret=True))
        else:
            changes.append(FieldChange(label, _shown(model_field, change.old), _shown(model_field, change.new)))
    for m2m in m2m_fields:
        old_names, new_names = _m2m_names(old, m2m), _m2m_names(row, m2m)
        if old_names != new_names:
            label = capfirst(str(m2m.verbose_name))
            changes.append(FieldChange(label, ", ".join(old_names) or "—", ", ".join(new_names) or "—"))
    return changes


def _m2m_names(record, m2m: models.ManyToManyField) -> list[str]:
    target = get_m2m_reverse_field_name(m2m)
    related = (getattr(row, target) for row in getattr(record, f"m2m_rows_{m2m.name}"))
    return sorted(str(item) if item is not None else _("(removed)") for item in related)


def _shown(model_field: models.Field, value) -> str:
    """A value as the page shows it: choice labels, Yes/No, people's names."""
    if value is None or value == "":
        return "—"
    if isinstance(value, DeletedObject):
        return _("(removed)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j M Y")
    if hasattr(value, "get_full_name"):
        return value.get_full_name() or value.get_username()
    return Truncator(str(value)).chars(120)


def _who(row) -> str:
    reason = row.history_change_reason or ""
    if reason.startswith(PORTAL_CHANGE):
        return _("%(name)s, in the portal") % {"name": portal_contact_name(reason)}
    if row.history_user is not None:
        return row.history_user.get_full_name() or row.history_user.get_username()
    return _("Not recorded")
