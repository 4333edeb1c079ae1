"""Reading an uploaded CSV or XLSX file into rows, within bounds.

Whatever the upload, the result is CSV text holding only the columns an
import reads: the preview page posts it back for the import itself, so a
column we do not import (confidential notes, say) never travels further."""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A CSV file, or the CSV text made from an XLSX one. The confirm step posts
# it back, and Django refuses a request body over 2.5 MB
# (DATA_UPLOAD_MAX_MEMORY_SIZE): 2 MB holds 20,000 contacts.
MAX_TEXT_BYTES = 2 * 1024 * 1024
# An XLSX file is compressed: the same rows take more bytes as CSV text.
MAX_XLSX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 25_000
# The sheets we read have ten columns or so; thousands is not one of them.
MAX_COLUMNS = 50
# The longest cell kept, in characters (a description is a paragraph or two).
MAX_CELL = 5000

# The encodings a spreadsheet saves CSV in: "CSV UTF-8" (with or without a
# byte-order mark) and Excel's plain "CSV", Windows-1252 in Western languages.
# The same order as surveys/services/importing.py: a Windows-1252 file with
# accents is practically never valid UTF-8.
ENCODINGS = ("utf-8-sig", "cp1252")
XLSX_MAGIC = b"PK\x03\x04"


class ImportRefused(Exception):
    """The whole file is refused; the message says why, in plain words."""


@dataclass
class Table:
    """The rows read: `columns` as the import names them, then one list of
    cell strings per non-empty row, with the row's number in the file."""

    columns: list[str]
    rows: list[tuple[int, list[str]]]
    ignored: list[str]

    def as_csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for _line, cells in self.rows:
            writer.writerow(cells)
        return out.getvalue()


def column_name(header: str, aliases: dict[str, str]) -> str:
    """ "Partner Name" and "partner_name" are one column."""
    name = "_".join(str(header).strip().lower().replace("-", " ").split())
    return aliases.get(name, name)


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ImportRefused(_("This is not a CSV text file (it may be UTF-16). Save it as “CSV UTF-8” and try again."))
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(_("The file could not be read as text. Save it as “CSV UTF-8” and try again."))


def read_upload(name: str, data: bytes, known: tuple[str, ...], aliases: dict[str, str]) -> Table:
    """An uploaded file, CSV or XLSX (told apart by its first bytes, not its name)."""
    if data.startswith(XLSX_MAGIC):
        if len(data) > MAX_XLSX_BYTES:
            raise ImportRefused(_("The file is larger than 5 MB. Split it into smaller files."))
        table = read_xlsx(data, known, aliases)
        if len(table.as_csv_text().encode()) > MAX_TEXT_BYTES:
            raise ImportRefused(_("The sheet holds more than 2 MB of text. Split it into smaller files."))
        return table
    if len(data) > MAX_TEXT_BYTES:
        raise ImportRefused(_("The file is larger than 2 MB. Split it into smaller files."))
    return read_csv(decode(data), known, aliases)


def _table(header: list, lines, known: tuple[str, ...], aliases: dict[str, str]) -> Table:
    """Keeps the known columns of each row; `lines` yields (line, cells)."""
    if len(header) > MAX_COLUMNS:
        raise ImportRefused(
            _("The file has %(count)s columns; at most %(max)s are read.") % {"count": len(header), "max": MAX_COLUMNS}
        )
    names = [column_name(cell or "", aliases) for cell in header]
    used = {}
    for index, name in enumerate(names):
        if name in known and name not in used:
            used[name] = index
    ignored = [str(cell).strip() for cell, name in zip(header, names, strict=True) if cell and name not in used]
    rows: list[tuple[int, list[str]]] = []
    for line, cells in lines:
        if not any(_text(cell) for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise ImportRefused(
                _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": f"{MAX_ROWS:,}"}
            )
        rows.append((line, [_text(cells[i]) if i < len(cells) else "" for i in used.values()]))
    return Table(columns=list(used), rows=rows, ignored=ignored)


def _text(value) -> str:
    """A cell as text. Spreadsheet dates become YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:MAX_CELL]


def read_csv(text: str, known: tuple[str, ...], aliases: dict[str, str]) -> Table:
    if len(text.encode()) > MAX_TEXT_BYTES:
        raise ImportRefused(_("The file is larger than 2 MB. Split it into smaller files."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        # csv.reader gives the line a row ends on; a sheet shows the row's number.
        return _table(header, ((number, cells) for number, cells in enumerate(reader, 2)), known, aliases)
    except csv.Error as error:
        raise ImportRefused(
            _("The file could not be read as CSV (line %(line)s).") % {"line": reader.line_num}
        ) from error


def read_xlsx(data: bytes, known: tuple[str, ...], aliases: dict[str, str]) -> Table:
    """The first sheet. Formulas are read as the values Excel last computed
    (data_only), never as formula text."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportRefused(_("The file could not be read as an XLSX spreadsheet.")) from error
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        header = list(next(values, ()))
        while header and header[-1] is None:
            header.pop()
        return _table(header, ((number, list(cells)) for number, cells in enumerate(values, 2)), known, aliases)
    finally:
        book.close()
