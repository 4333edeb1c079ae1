"""How a spreadsheet cell becomes a field's value: django-import-export
widgets that accept what people type (a choice's label as well as its
code, "yes"/"sí"/"TRUE") and say plainly what was wrong. A ValueError's
message is shown beside the row on the preview page."""

import datetime

from django.utils.translation import gettext as _
from import_export import widgets

from ..similar_names import folded

YES = {"yes", "y", "true", "1", "si", "x"}
NO = {"no", "n", "false", "0"}


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()


class ChoiceWidget(widgets.Widget):
    """A TextChoices value, typed as its code ("harm_reduction") or its
    label ("Harm reduction"), in any case. Empty: the field's default."""

    def __init__(self, choices, extra: dict[str, str] | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.lookup = {folded(str(label)): value for value, label in choices.choices}
        self.lookup.update({folded(value): value for value in choices.values})
        self.lookup.update(extra or {})

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if (found := self.lookup.get(folded(text))) is not None:
            return found
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text[:60], "choices": ", ".join(str(label) for label in self.choices.labels)}
        )


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = folded("" if value is None else str(value))
        if not text:
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("Write yes or no."))


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("Write a whole number of days.")) from None


class DateWidget(widgets.Widget):
    """A day written YYYY-MM-DD (an XLSX date cell arrives so, reading.py).
    Other orders are refused rather than guessed: 03/04/2025 is March in
    one country and April in the next."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(_("Write the date as YYYY-MM-DD, for example 2025-03-31.")) from None


class LookupWidget(widgets.Widget):
    """A row named in a cell, found in a dictionary loaded once per import
    (folded name: row), so a file of many rows costs no query per row."""

    def __init__(self, lookup: dict, not_found: str) -> None:
        super().__init__()
        self.lookup = lookup
        self.not_found = not_found

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        found = self.lookup.get(folded(text))
        if found is None:
            raise ValueError(self.not_found % {"value": text[:80]})
        return found
