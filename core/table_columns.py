"""django-tables2 columns the lists share."""

import django_tables2 as tables

from .money import format_money


class MoneyColumn(tables.Column):
    """An amount in the organization's currency on the page; a plain
    number in CSV and XLSX exports, so a spreadsheet can add it up."""

    def render(self, value) -> str:
        return format_money(value)

    def value(self, value):
        return value
