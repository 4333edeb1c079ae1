"""CSV and XLSX exports of django-tables2 tables that are safe to open in a
spreadsheet: a cell that starts like a formula is turned into plain text.
Every download sends `export_downloaded`, which the audit trail records."""

from django.dispatch import Signal
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
        safe = [tuple(neutralise(clean(cell)) for cell in row) for row in dataset]
        dataset.headers = [neutralise(clean(h)) for h in dataset.headers]
        del dataset[:]
        for row in safe:
            dataset.append(row)
        return dataset


class SafeExportMixin(ExportMixin):
    export_class = SafeTableExport
    export_formats = SafeTableExport.SAFE_FORMATS

    def create_export(self, export_format):
        response = super().create_export(export_format)
        export_downloaded.send(type(self), request=self.request, filename=self.get_export_filename(export_format))
        return response
