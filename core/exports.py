"""CSV and XLSX exports of django-tables2 tables that are safe to open in a
spreadsheet: a cell that starts like a formula is turned into plain text.
Every download sends `export_downloaded`, which the audit trail records."""

import datetime

import django_tables2 as tables
from django.dispatch import Signal
from django.utils import timezone
from django_tables2.export import ExportMixin, TableExport
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Sent with `request` and `filename` each time a list is exported.
export_downloaded = Signal()

# Characters that make Excel, LibreOffice or Sheets treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix a would-be formula with an apostrophe, the spreadsheet convention
    for "this is text". Numbers are left alone so they stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_text(value):
    """XLSX cannot hold most control characters (a vertical tab pasted from
    a word processor, say): openpyxl refuses the whole file, a server error.
    They are dropped; the CSV keeps them."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


# Columns a spreadsheet holds as its own types (a date it can sort and add
# to, TRUE/FALSE) rather than the text the page shows ("3 Mar 2026", "Overdue").
TYPED_COLUMNS = (tables.DateColumn, tables.DateTimeColumn, tables.BooleanColumn)


def spreadsheet_value(value):
    """A raw value as openpyxl can write it: aware datetimes in the site's
    time zone without it (XLSX has no time zones), None as an empty cell."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def typed_cells(table, exclude_columns) -> list[list]:
    """For each row of `table`, in export order, the raw values of its
    typed columns; with their positions among the exported columns."""
    exported = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in (exclude_columns or ()))
    ]
    typed = [(index, column) for index, column in enumerate(exported) if isinstance(column.column, TYPED_COLUMNS)]
    return [
        [(index, spreadsheet_value(column.accessor.resolve(row.record, quiet=True))) for index, column in typed]
        for row in table.rows
    ]


class SafeTableExport(TableExport):
    SAFE_FORMATS = (TableExport.CSV, TableExport.XLSX)

    @classmethod
    def is_valid_format(cls, export_format) -> bool:
        # Only the formats we offer and have checked. django-tables2 would also
        # take ?_export=ods, xls, latex... some of which need libraries we do
        # not install (a server error), none of which anyone asked for.
        return export_format in cls.SAFE_FORMATS

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        clean = xlsx_text if self.format == self.XLSX else (lambda value: value)
        safe = [[neutralise(clean(cell)) for cell in row] for row in dataset]
        if self.format == self.XLSX:
            for row, typed in zip(safe, typed_cells(table, exclude_columns), strict=True):
                for index, value in typed:
                    row[index] = value
        dataset.headers = [neutralise(clean(h)) for h in dataset.headers]
        del dataset[:]
        for row in safe:
            dataset.append(tuple(row))
        return dataset

    def export(self):
        """A CSV starts with a byte order mark, so that Excel reads it as
        UTF-8 (accented names are garbled otherwise); other programs skip it."""
        exported = super().export()
        return "\ufeff" + exported if self.format == self.CSV else exported


class SafeExportMixin(ExportMixin):
    export_class = SafeTableExport
    export_formats = SafeTableExport.SAFE_FORMATS

    def create_export(self, export_format):
        response = super().create_export(export_format)
        export_downloaded.send(type(self), request=self.request, filename=self.get_export_filename(export_format))
        return response
