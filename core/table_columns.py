"""django-tables2 columns the lists share."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .money import format_money


class MoneyColumn(tables.Column):
    """An amount in the organization's currency on the page; a plain
    number in CSV and XLSX exports, so a spreadsheet can add it up."""

    def render(self, value) -> str:
        return format_money(value)

    def value(self, value):
        return value


class SelectColumn(tables.Column):
    """A tick box per row, named `field_name`, for the form `form_id` (kept
    out of the table: a list's filters are a form of their own and forms
    cannot nest). Each box is labelled with its row; not exported."""

    def __init__(self, form_id: str, field_name: str, **kwargs):
        kwargs.setdefault("verbose_name", gettext_lazy("Tick"))
        super().__init__(accessor="pk", orderable=False, exclude_from_export=True, **kwargs)
        self.form_id, self.field_name = form_id, field_name

    def render(self, value, record) -> str:
        return format_html(
            '<input type="checkbox" name="{}" value="{}" form="{}" aria-label="{}">',
            self.field_name,
            value,
            self.form_id,
            _("Tick %(row)s") % {"row": record},
        )
