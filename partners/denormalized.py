"""What the signal receivers that keep a column derived from other rows
(first_delivery: a request's first delivery day; last_contact: a partner's
last contact day) need to know about a save: whether it may have changed
what the column is derived from, and what a field held before it."""

from collections.abc import Iterable

from django.db import models


def touches(update_fields: Iterable[str] | None, fields: set[str]) -> bool:
    """Whether a save naming `update_fields` (None: every field) may have changed any of `fields`."""
    return update_fields is None or bool(fields & set(update_fields))


def value_before(instance: models.Model, attname: str):
    """What the row held in `attname` before this save (in a pre_save
    receiver), None for a new row. One query for a row that exists."""
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).values_list(attname, flat=True).first()
